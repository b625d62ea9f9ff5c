import { and, asc, eq, isNull } from "drizzle-orm";
import type { DbOrTx } from "@/server/db/client";
import { experiments, projects } from "@/server/db/schema";
import { NotFoundError, ValidationError } from "@/server/errors";
import { slugify } from "@/server/tenancy/validation";

export async function listProjects(db: DbOrTx, orgId: string) {
  return db.select({ id: projects.id, slug: projects.slug, name: projects.name }).from(projects).where(eq(projects.orgId, orgId)).orderBy(asc(projects.name));
}

/** A project by name or slug, created on first use (as W&B's `project=`). */
export async function ensureProject(tx: DbOrTx, orgId: string, name: string) {
  const slug = slugify(name);
  if (!slug) throw new ValidationError("project name needs at least one letter or digit");
  const [found] = await tx.select().from(projects).where(and(eq(projects.orgId, orgId), eq(projects.slug, slug)));
  if (found) return found;
  const [created] = await tx.insert(projects).values({ orgId, slug, name }).onConflictDoNothing().returning();
  return created ?? (await tx.select().from(projects).where(and(eq(projects.orgId, orgId), eq(projects.slug, slug))))[0];
}

/** An experiment of a project by name, created on first use. A deleted one must be restored first. */
export async function ensureExperiment(tx: DbOrTx, orgId: string, projectId: string, name: string) {
  const where = and(eq(experiments.orgId, orgId), eq(experiments.projectId, projectId), eq(experiments.name, name));
  const [found] = await tx.select().from(experiments).where(where);
  if (found?.deletedAt) throw new ValidationError(`experiment "${name}" is deleted; restore it or choose another name`);
  if (found) return found;
  const [created] = await tx.insert(experiments).values({ orgId, projectId, name }).onConflictDoNothing().returning();
  return created ?? (await tx.select().from(experiments).where(where))[0];
}

export async function getProject(db: DbOrTx, orgId: string, idOrSlug: string) {
  const bySlug = and(eq(projects.orgId, orgId), eq(projects.slug, idOrSlug));
  const [row] = await db.select().from(projects).where(bySlug);
  if (row) return row;
  if (/^[0-9a-f-]{36}$/i.test(idOrSlug)) {
    const [byId] = await db.select().from(projects).where(and(eq(projects.orgId, orgId), eq(projects.id, idOrSlug)));
    if (byId) return byId;
  }
  throw new NotFoundError("Project");
}

export async function getExperiment(db: DbOrTx, orgId: string, experimentId: string, opts: { includeDeleted?: boolean } = {}) {
  const [row] = await db.select().from(experiments)
    .where(and(eq(experiments.orgId, orgId), eq(experiments.id, experimentId), opts.includeDeleted ? undefined : isNull(experiments.deletedAt)));
  if (!row) throw new NotFoundError("Experiment");
  return row;
}
