import { asc, eq } from "drizzle-orm";
import type { DbOrTx } from "@/server/db/client";
import { projects } from "@/server/db/schema";

export async function listProjects(db: DbOrTx, orgId: string) {
  return db.select({ id: projects.id, slug: projects.slug, name: projects.name }).from(projects).where(eq(projects.orgId, orgId)).orderBy(asc(projects.name));
}
