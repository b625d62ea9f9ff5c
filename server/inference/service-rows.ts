import { and, asc, eq } from "drizzle-orm";
import type { DbOrTx } from "@/server/db/client";
import { inferenceServices, serviceReplicas, serviceVariants } from "@/server/db/schema";
import { NotFoundError } from "@/server/errors";

/** A service's rows, in its organization: the service by id or name, its variants, its replicas. */

export type Service = typeof inferenceServices.$inferSelect;
export type Variant = typeof serviceVariants.$inferSelect;
export type Replica = typeof serviceReplicas.$inferSelect;

export async function getServiceRow(db: DbOrTx, orgId: string, idOrName: string): Promise<Service> {
  const byId = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(idOrName);
  const [row] = await db.select().from(inferenceServices)
    .where(and(eq(inferenceServices.orgId, orgId), byId ? eq(inferenceServices.id, idOrName) : eq(inferenceServices.name, idOrName)));
  if (!row) throw new NotFoundError("Service");
  return row;
}

export const variantsOf = (db: DbOrTx, serviceId: string) => db.select().from(serviceVariants).where(eq(serviceVariants.serviceId, serviceId)).orderBy(asc(serviceVariants.createdAt), asc(serviceVariants.name));

export const replicasOf = (db: DbOrTx, serviceId: string) => db.select().from(serviceReplicas).where(eq(serviceReplicas.serviceId, serviceId)).orderBy(serviceReplicas.url);
