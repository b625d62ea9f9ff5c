import { and, desc, eq, inArray, sql } from "drizzle-orm";
import type { DbOrTx } from "@/server/db/client";
import { datasets, datasetVersions, inferenceServices, modelAliases, modelEvents, modelVersions, registeredModels, runs, serviceVariants } from "@/server/db/schema";
import { getModelRow, listModelRows, type Model, type Version } from "./models";
import { versionRows } from "./versions";

async function aliasesOf(db: DbOrTx, modelIds: string[]) {
  if (modelIds.length === 0) return [];
  return db.select({ modelId: modelAliases.modelId, alias: modelAliases.alias, version: modelVersions.version }).from(modelAliases)
    .innerJoin(modelVersions, eq(modelVersions.id, modelAliases.versionId)).where(inArray(modelAliases.modelId, modelIds));
}

/** Models with their version count, latest version and aliases. */
export async function listModels(db: DbOrTx, orgId: string, opts: { search?: string; limit?: number; offset?: number } = {}) {
  const rows = await listModelRows(db, orgId, opts);
  const ids = rows.map((m) => m.id);
  const [counts, aliases] = await Promise.all([
    ids.length ? db.select({ modelId: modelVersions.modelId, versions: sql<number>`count(*)::int`, latest: sql<number>`max(${modelVersions.version})::int` })
      .from(modelVersions).where(inArray(modelVersions.modelId, ids)).groupBy(modelVersions.modelId) : [],
    aliasesOf(db, ids),
  ]);
  return rows.map((m) => ({
    ...modelView(m), versions: counts.find((c) => c.modelId === m.id)?.versions ?? 0, latestVersion: counts.find((c) => c.modelId === m.id)?.latest ?? null,
    aliases: aliases.filter((a) => a.modelId === m.id).map(({ alias, version }) => ({ alias, version })),
  }));
}

export const modelView = (m: Model) => ({ id: m.id, name: m.name, description: m.description, tags: m.tags, createdAt: m.createdAt, updatedAt: m.updatedAt });

/** A version with what made it: its run and the dataset version it trained on. */
export function versionView(v: Version, extra: { aliases: string[]; run: { id: string; name: string; status: string; experimentId: string } | null; data: { id: string; datasetId: string; dataset: string; version: number } | null; deployments: Array<{ id: string; name: string; status: string; variant: string }> }) {
  return {
    id: v.id, version: v.version, stage: v.stage, source: v.source, runId: v.runId, artifactPath: v.artifactPath, datasetVersionId: v.datasetVersionId,
    description: v.description, tags: v.tags, createdAt: v.createdAt, updatedAt: v.updatedAt, ...extra,
  };
}

/** The model, every version with its lineage and aliases, and its history (newest first). */
export async function getModel(db: DbOrTx, orgId: string, name: string) {
  const model = await getModelRow(db, orgId, name);
  const versions = await versionRows(db, model);
  const runIds = versions.flatMap((v) => (v.runId ? [v.runId] : []));
  const dataIds = versions.flatMap((v) => (v.datasetVersionId ? [v.datasetVersionId] : []));
  const [aliases, runRows, dataRows, history, services] = await Promise.all([
    aliasesOf(db, [model.id]),
    runIds.length ? db.select({ id: runs.id, name: runs.name, status: runs.status, experimentId: runs.experimentId }).from(runs).where(and(eq(runs.orgId, orgId), inArray(runs.id, runIds))) : [],
    dataIds.length ? db.select({ id: datasetVersions.id, datasetId: datasetVersions.datasetId, dataset: datasets.name, version: datasetVersions.version })
      .from(datasetVersions).innerJoin(datasets, eq(datasets.id, datasetVersions.datasetId)).where(and(eq(datasetVersions.orgId, orgId), inArray(datasetVersions.id, dataIds))) : [],
    db.select().from(modelEvents).where(and(eq(modelEvents.orgId, orgId), eq(modelEvents.modelId, model.id))).orderBy(desc(modelEvents.at), desc(modelEvents.id)).limit(200),
    versions.length ? db.select({ id: inferenceServices.id, name: inferenceServices.name, status: inferenceServices.status, variant: serviceVariants.name, versionId: serviceVariants.modelVersionId })
      .from(serviceVariants).innerJoin(inferenceServices, eq(inferenceServices.id, serviceVariants.serviceId))
      .where(and(eq(serviceVariants.orgId, orgId), inArray(serviceVariants.modelVersionId, versions.map((v) => v.id)), sql`${inferenceServices.status} <> 'STOPPED'`)) : [],
  ]);
  return {
    ...modelView(model),
    aliases: aliases.map(({ alias, version }) => ({ alias, version })),
    versions: versions.map((v) => versionView(v, {
      aliases: aliases.filter((a) => a.version === v.version).map((a) => a.alias),
      run: runRows.find((r) => r.id === v.runId) ?? null, data: dataRows.find((d) => d.id === v.datasetVersionId) ?? null,
      deployments: services.filter((x) => x.versionId === v.id).map(({ id, name, status, variant }) => ({ id, name, status, variant })),
    })).reverse(),
    history: history.map((h) => ({ at: h.at, action: h.action, version: h.version, details: h.details, actor: h.actor })),
  };
}

export type ModelDetail = Awaited<ReturnType<typeof getModel>>;

/** Versions registered from a run, for its page ("registered as …"). */
export async function versionsOfRun(db: DbOrTx, orgId: string, runId: string) {
  return db.select({ name: registeredModels.name, version: modelVersions.version, artifactPath: modelVersions.artifactPath }).from(modelVersions)
    .innerJoin(registeredModels, eq(registeredModels.id, modelVersions.modelId)).where(and(eq(modelVersions.orgId, orgId), eq(modelVersions.runId, runId)));
}
