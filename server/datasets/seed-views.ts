import { desc, eq } from "drizzle-orm";
import type { DbOrTx } from "@/server/db/client";
import { datasets, datasetVersions } from "@/server/db/schema";
import { getDataset } from "./datasets";

/**
 * The seed design's Dataset DTO (datasetId, name, storagePath, fileSize, sampleCount, domain,
 * isOptimized, sourceDatasetId) over a dataset and one of its versions; `userId` has no
 * counterpart (datasets belong to organizations here).
 */
export function seedDatasetView(d: typeof datasets.$inferSelect, v: typeof datasetVersions.$inferSelect) {
  return {
    datasetId: d.id, name: d.name, datasetType: d.type, domain: d.domain, storagePath: v.storageKey, fileSize: v.size, sampleCount: v.rows,
    isOptimized: v.sourceVersionId !== null, sourceDatasetId: v.sourceVersionId, version: v.version, versionId: v.id, sha256: v.sha256, format: v.format,
  };
}

export async function seedDatasetById(db: DbOrTx, orgId: string, id: string) {
  const detail = await getDataset(db, orgId, id); // 404 across organizations
  const [d] = await db.select().from(datasets).where(eq(datasets.id, id));
  const [latest] = await db.select().from(datasetVersions).where(eq(datasetVersions.datasetId, id)).orderBy(desc(datasetVersions.version)).limit(1);
  return { ...(latest ? seedDatasetView(d, latest) : { datasetId: d.id, name: d.name, datasetType: d.type, domain: d.domain, sampleCount: 0 }), versions: detail.versions };
}
