import { randomUUID } from "node:crypto";
import { Readable } from "node:stream";
import { and, desc, eq, sql } from "drizzle-orm";
import type { Db, DbOrTx } from "@/server/db/client";
import { datasets, datasetVersions } from "@/server/db/schema";
import { NotFoundError } from "@/server/errors";
import type { ObjectStore } from "@/server/storage/object-store";
import type { Actor } from "@/server/tenancy/actor";
import { recordAudit } from "@/server/tenancy/audit";
import type { DatasetProfile } from "./profile";
import { profileObserver, profileStored } from "./profile-observer";
import type { Format } from "./rows";
import { rulesSchema, type Rule, type RuleResult } from "./validation";
import type { UploadMeta } from "./dataset-input";
import { kickProfiling } from "./profiling";

type Dataset = typeof datasets.$inferSelect;
type Version = typeof datasetVersions.$inferSelect;

/** Largest upload: 10 GiB (a 2 GB file must go through; the store streams, memory stays flat). */
export const MAX_DATASET_BYTES = 10 * 1024 ** 3;

/**
 * Files up to this size are profiled in the upload itself (a bad file is a 400, nothing kept);
 * larger ones are stored at full speed, profiled from their first 16 MiB, and fully in the
 * background (server/datasets/profiling.ts).
 */
export const INLINE_PROFILE_BYTES = 16 * 1024 ** 2;

export async function uploadDataset(db: Db, store: ObjectStore, orgId: string, actor: Actor, meta: UploadMeta & { format: Format },
  body: ReadableStream<Uint8Array> | Readable, opts: { inlineLimit?: number } = {}): Promise<{ dataset: Dataset; version: Version; created: boolean }> {
  const [existing] = await db.select().from(datasets).where(and(eq(datasets.orgId, orgId), sql`lower(${datasets.name}) = lower(${meta.name})`));
  if (meta.sourceVersionId) await getVersionRow(db, orgId, meta.sourceVersionId);
  const rules = rulesSchema.parse(existing?.rules ?? []);
  const datasetId = existing?.id ?? randomUUID();
  const key = `datasets/${orgId}/${datasetId}/${randomUUID()}/data.${meta.format}`;
  const profiled = profileObserver(meta.format, rules, opts.inlineLimit ?? INLINE_PROFILE_BYTES);
  const stored = await store.put(key, body, { maxBytes: MAX_DATASET_BYTES, observe: profiled });
  const { profile, report, complete } = profiled.result();
  const { preview, ...rest } = profile;

  // The bytes are stored; if recording them fails, they go too: nothing is left behind.
  const outcome = await db.transaction(async (tx) => {
    await tx.insert(datasets).values({ id: datasetId, orgId, name: meta.name, type: meta.type, domain: meta.domain, description: meta.description ?? "", createdBy: actor.kind === "user" ? actor.userId : null })
      .onConflictDoNothing();
    const [dataset] = await tx.select().from(datasets).where(and(eq(datasets.orgId, orgId), sql`lower(${datasets.name}) = lower(${meta.name})`)).for("update");
    const [same] = await tx.select().from(datasetVersions).where(and(eq(datasetVersions.datasetId, dataset.id), eq(datasetVersions.sha256, stored.sha256)));
    if (same) return { dataset, version: same, created: false };
    const [{ next }] = await tx.select({ next: sql<number>`coalesce(max(${datasetVersions.version}), 0)::int + 1` }).from(datasetVersions).where(eq(datasetVersions.datasetId, dataset.id));
    const [version] = await tx.insert(datasetVersions).values({
      orgId, datasetId: dataset.id, version: next, sha256: stored.sha256, size: stored.size, format: meta.format, filename: meta.filename ?? null,
      storageKey: key, rows: profile.rows, invalidRows: profile.invalidRows, profile: rest as unknown as Record<string, unknown>, preview,
      validation: rules.length > 0 && complete ? (report as unknown[]) : null, sourceVersionId: meta.sourceVersionId ?? null, derivation: meta.derivation ?? null,
      profileState: complete ? "ready" : "pending",
      createdBy: actor.kind === "user" ? actor.userId : null,
    }).returning();
    await tx.update(datasets).set({ updatedAt: sql`now()` }).where(eq(datasets.id, dataset.id));
    await recordAudit(tx, { orgId, actor, action: "dataset.upload", targetType: "dataset", targetId: dataset.id, details: { name: dataset.name, version: next, sha256: stored.sha256, size: stored.size, rows: profile.rows } });
    return { dataset, version, created: true };
  }).catch(async (err: unknown) => {
    await store.delete(key).catch(() => {});
    throw err;
  });
  // The same bytes are already a version: this copy goes.
  if (!outcome.created) await store.delete(key).catch(() => {});
  if (outcome.created && !complete) kickProfiling(db, store);
  return outcome;
}

export function datasetView(d: Dataset) {
  return { id: d.id, name: d.name, type: d.type, domain: d.domain, description: d.description, rules: d.rules as Rule[], createdAt: d.createdAt, updatedAt: d.updatedAt };
}

export function versionView(v: Version) {
  const profile = v.profile as unknown as Omit<DatasetProfile, "preview">;
  return {
    id: v.id, datasetId: v.datasetId, version: v.version, sha256: v.sha256, size: v.size, format: v.format, filename: v.filename,
    rows: v.rows, invalidRows: v.invalidRows, columns: profile.columns, invalidExamples: profile.invalidExamples,
    validation: v.validation as RuleResult[] | null, sourceVersionId: v.sourceVersionId, derivation: v.derivation, createdAt: v.createdAt,
    profileState: v.profileState, profileError: v.profileError,
  };
}

export async function listDatasets(db: DbOrTx, orgId: string) {
  const rows = await db.select({
    dataset: datasets,
    versions: sql<number>`(select count(*)::int from dataset_versions v where v.dataset_id = ${datasets.id})`,
    latest: sql<{ version: number; rows: number; size: number; format: string } | null>`(select json_build_object('version', v.version, 'rows', v.rows, 'size', v.size, 'format', v.format)
      from dataset_versions v where v.dataset_id = ${datasets.id} order by v.version desc limit 1)`,
  }).from(datasets).where(eq(datasets.orgId, orgId)).orderBy(desc(datasets.updatedAt));
  return rows.map((r) => ({ ...datasetView(r.dataset), versions: r.versions, latest: r.latest }));
}

export async function getDataset(db: DbOrTx, orgId: string, id: string) {
  const [dataset] = await db.select().from(datasets).where(and(eq(datasets.id, id), eq(datasets.orgId, orgId)));
  if (!dataset) throw new NotFoundError("Dataset");
  const versions = await db.select().from(datasetVersions).where(eq(datasetVersions.datasetId, id)).orderBy(desc(datasetVersions.version));
  return { ...datasetView(dataset), versions: versions.map(versionView) };
}

export async function getVersionRow(db: DbOrTx, orgId: string, versionId: string): Promise<Version> {
  const [v] = await db.select().from(datasetVersions).where(and(eq(datasetVersions.id, versionId), eq(datasetVersions.orgId, orgId)));
  if (!v) throw new NotFoundError("Dataset version");
  return v;
}

/** A version by its number within the dataset, with its preview. */
export async function getVersion(db: DbOrTx, orgId: string, datasetId: string, version: number) {
  const [v] = await db.select().from(datasetVersions)
    .where(and(eq(datasetVersions.datasetId, datasetId), eq(datasetVersions.orgId, orgId), eq(datasetVersions.version, version)));
  if (!v) throw new NotFoundError("Dataset version");
  const lineage = await lineageOf(db, orgId, v);
  return { ...versionView(v), preview: v.preview, lineage };
}

/** The chain of versions this one was derived from, oldest last (at most 50). */
async function lineageOf(db: DbOrTx, orgId: string, v: Version) {
  const chain: Array<{ id: string; datasetId: string; dataset: string; version: number; derivation: string | null }> = [];
  let cursor = v.sourceVersionId;
  while (cursor && chain.length < 50) {
    const [s] = await db.select({ v: datasetVersions, name: datasets.name }).from(datasetVersions).innerJoin(datasets, eq(datasets.id, datasetVersions.datasetId))
      .where(and(eq(datasetVersions.id, cursor), eq(datasetVersions.orgId, orgId)));
    if (!s) break;
    chain.push({ id: s.v.id, datasetId: s.v.datasetId, dataset: s.name, version: s.v.version, derivation: s.v.derivation });
    cursor = s.v.sourceVersionId;
  }
  return chain;
}

export async function openVersion(db: DbOrTx, store: ObjectStore, orgId: string, datasetId: string, version: number) {
  const [v] = await db.select().from(datasetVersions)
    .where(and(eq(datasetVersions.datasetId, datasetId), eq(datasetVersions.orgId, orgId), eq(datasetVersions.version, version)));
  if (!v) throw new NotFoundError("Dataset version");
  return { version: v, stream: await store.get(v.storageKey) };
}

/** New rules for a dataset, checked at once against its latest version (one more streamed read). */
export async function setRules(db: Db, store: ObjectStore, orgId: string, actor: Actor, datasetId: string, rules: Rule[]) {
  const { versions } = await getDataset(db, orgId, datasetId);
  await db.update(datasets).set({ rules, updatedAt: sql`now()` }).where(and(eq(datasets.id, datasetId), eq(datasets.orgId, orgId)));
  await recordAudit(db, { orgId, actor, action: "dataset.rules", targetType: "dataset", targetId: datasetId, details: { rules } });
  const latest = versions[0];
  if (!latest) return null;
  if (latest.size > INLINE_PROFILE_BYTES || latest.profileState !== "ready") {
    // Too large to read within a request: the background pass checks the new rules.
    await db.update(datasetVersions).set({ profileState: "pending", validation: null }).where(eq(datasetVersions.id, latest.id));
    kickProfiling(db, store);
    return null;
  }
  const { version: row, stream } = await openVersion(db, store, orgId, datasetId, latest.version);
  const { report } = await profileStored(stream, row.format, rules);
  await db.update(datasetVersions).set({ validation: rules.length > 0 ? report : null }).where(eq(datasetVersions.id, row.id));
  return report;
}
