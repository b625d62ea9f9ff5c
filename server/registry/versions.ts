import { and, asc, eq, inArray, or, sql } from "drizzle-orm";
import type { Db, DbOrTx } from "@/server/db/client";
import { artifacts, datasetVersions, inferenceServices, modelEvents, modelVersions, registeredModels, runParams, runs, serviceVariants, taskExecutions } from "@/server/db/schema";
import { getVersionRow } from "@/server/datasets/datasets";
import { ConflictError, ValidationError } from "@/server/errors";
import type { Actor } from "@/server/tenancy/actor";
import { assertArtifactPath } from "@/server/tracking/artifacts";
import { metricSummaries } from "@/server/tracking/metrics";
import { getRunRow } from "@/server/tracking/runs";
import { NAME_WHAT, namesWhat, versionFieldsSchema } from "./model-input";
import { ensureModel, getModelRow, recordModelEvent, versionRow, type Model, type Version } from "./models";

/** `runs:/<run>/<path>` or `mlflow-artifacts:/<experiment>/<run>/artifacts/<path>`: the run and path named. */
export function runArtifactOf(source: string): { runId: string; path: string } | null {
  const uuid = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
  const m = new RegExp(`^runs:/(${uuid})/(.+)$`, "i").exec(source) ?? new RegExp(`^mlflow-artifacts:/[^/]+/(${uuid})/artifacts/(.+)$`, "i").exec(source);
  return m ? { runId: m[1].toLowerCase(), path: m[2].replace(/\/+$/, "") } : null;
}

/** The artifact exists in the run, as a file or as a folder of files. */
async function assertRunArtifact(db: DbOrTx, orgId: string, runId: string, path: string) {
  assertArtifactPath(path);
  const [hit] = await db.select({ path: artifacts.path }).from(artifacts)
    .where(and(eq(artifacts.orgId, orgId), eq(artifacts.runId, runId), or(eq(artifacts.path, path), sql`starts_with(${artifacts.path}, ${`${path}/`})`))).limit(1);
  if (!hit) throw new ValidationError(`The run has no artifact "${path}" (a file or a folder of its artifacts)`);
}

/**
 * The dataset version a run trained on, when Anvil knows it: a pipeline task's training run
 * trained on its execution's input version.
 */
async function trainedOn(db: DbOrTx, orgId: string, runId: string): Promise<string | null> {
  const [e] = await db.select({ v: taskExecutions.inputVersionId }).from(taskExecutions)
    .where(and(eq(taskExecutions.orgId, orgId), eq(taskExecutions.runId, runId), eq(taskExecutions.phase, "TRAINING")));
  return e?.v ?? null;
}

/**
 * Registers a new version of the model (created when `create` and missing, as MLflow's
 * register_model does): numbered next under the model's row lock, linked to its run and
 * dataset version.
 */
export async function createVersion(db: Db, orgId: string, actor: Actor, name: string, raw: unknown, opts: { createModel?: boolean } = {}): Promise<{ model: Model; version: Version }> {
  // The run is looked up before the rest is judged: another organization's run is a 404 first.
  const input = versionFieldsSchema.parse(raw);
  const fromSource = input.source ? runArtifactOf(input.source) : null;
  const runId = input.runId ?? fromSource?.runId;
  if (runId) await getRunRow(db, orgId, runId);
  if (!namesWhat(input)) throw new ValidationError(NAME_WHAT);
  const artifactPath = input.artifactPath ?? fromSource?.path;
  if (input.source && !fromSource && /^(runs|mlflow-artifacts):/i.test(input.source)) throw new ValidationError(`"${input.source}" names no run's artifact (runs:/<run id>/<path>)`);
  if (runId && artifactPath) await assertRunArtifact(db, orgId, runId, artifactPath);
  const datasetVersionId = input.datasetVersionId ?? (runId ? await trainedOn(db, orgId, runId) : null);
  if (input.datasetVersionId) await getVersionRow(db, orgId, input.datasetVersionId);
  const source = input.source ?? `runs:/${runId}/${artifactPath}`;
  return db.transaction(async (tx) => {
    const model = opts.createModel ? await ensureModel(tx, orgId, actor, name) : await getModelRow(tx, orgId, name);
    await tx.select({ id: registeredModels.id }).from(registeredModels).where(eq(registeredModels.id, model.id)).for("update");
    // Never a number used before, even by a deleted version: `v3` always means one artifact (the history remembers every registration).
    const [{ next }] = await tx.select({ next: sql<number>`greatest(coalesce(max(${modelEvents.version}), 0), (select coalesce(max(v.version), 0) from model_versions v where v.model_id = ${model.id}))::int + 1` })
      .from(modelEvents).where(and(eq(modelEvents.modelId, model.id), eq(modelEvents.action, "register")));
    const [version] = await tx.insert(modelVersions).values({
      orgId, modelId: model.id, version: next, source, runId: runId ?? null, artifactPath: artifactPath ?? null, datasetVersionId,
      description: input.description, tags: input.tags, createdBy: actor.kind === "user" ? actor.userId : null,
    }).returning();
    await tx.update(registeredModels).set({ updatedAt: sql`now()` }).where(eq(registeredModels.id, model.id));
    await recordModelEvent(tx, model, actor, "register", { source, ...(runId ? { runId } : {}) }, next);
    return { model, version };
  });
}

export async function updateVersion(db: Db, orgId: string, actor: Actor, name: string, version: number, description: string) {
  return db.transaction(async (tx) => {
    const model = await getModelRow(tx, orgId, name, true);
    const target = await versionRow(tx, model, version);
    const [row] = await tx.update(modelVersions).set({ description: description.slice(0, 5000), updatedAt: sql`now()` }).where(eq(modelVersions.id, target.id)).returning();
    await recordModelEvent(tx, model, actor, "update", { description }, version);
    return row;
  });
}

export async function deleteVersion(db: Db, orgId: string, actor: Actor, name: string, version: number) {
  await db.transaction(async (tx) => {
    const model = await getModelRow(tx, orgId, name, true);
    const target = await versionRow(tx, model, version);
    const [serving] = await tx.select({ name: inferenceServices.name }).from(serviceVariants).innerJoin(inferenceServices, eq(inferenceServices.id, serviceVariants.serviceId))
      .where(and(eq(serviceVariants.orgId, orgId), eq(serviceVariants.modelVersionId, target.id), sql`${inferenceServices.status} <> 'STOPPED'`)).limit(1);
    if (serving) throw new ConflictError(`Version ${version} is served by "${serving.name}": delete that service first`);
    await tx.delete(modelVersions).where(eq(modelVersions.id, target.id)); // its aliases go with it
    await recordModelEvent(tx, model, actor, "delete-version", {}, version);
  });
}

export async function versionRows(db: DbOrTx, model: Pick<Model, "id">) {
  return db.select().from(modelVersions).where(eq(modelVersions.modelId, model.id)).orderBy(asc(modelVersions.version));
}

/** Two versions side by side: their runs' params and last metric values, their data. */
export async function compareVersions(db: DbOrTx, orgId: string, name: string, a: number, b: number) {
  const model = await getModelRow(db, orgId, name);
  const pair = [await versionRow(db, model, a), await versionRow(db, model, b)];
  const runIds = pair.flatMap((v) => (v.runId ? [v.runId] : []));
  const [params, summaries, runRows, dataRows] = await Promise.all([
    runIds.length ? db.select().from(runParams).where(and(eq(runParams.orgId, orgId), inArray(runParams.runId, runIds))) : [],
    metricSummaries(db, orgId, runIds),
    runIds.length ? db.select({ id: runs.id, name: runs.name, status: runs.status }).from(runs).where(and(eq(runs.orgId, orgId), inArray(runs.id, runIds))) : [],
    db.select({ id: datasetVersions.id, datasetId: datasetVersions.datasetId, version: datasetVersions.version, rows: datasetVersions.rows })
      .from(datasetVersions).where(and(eq(datasetVersions.orgId, orgId), inArray(datasetVersions.id, pair.flatMap((v) => (v.datasetVersionId ? [v.datasetVersionId] : []))))),
  ]);
  const side = (v: Version) => ({
    version: v.version, stage: v.stage, source: v.source, createdAt: v.createdAt,
    run: runRows.find((r) => r.id === v.runId) ?? null, data: dataRows.find((d) => d.id === v.datasetVersionId) ?? null,
    params: Object.fromEntries(params.filter((p) => p.runId === v.runId).map((p) => [p.key, p.value])),
    metrics: Object.fromEntries(summaries.filter((s) => s.runId === v.runId).map((s) => [s.key, s.last])),
  });
  const [left, right] = pair.map(side);
  const keys = (k: "params" | "metrics") => [...new Set([...Object.keys(left[k]), ...Object.keys(right[k])])].sort();
  return {
    left, right,
    params: keys("params").map((key) => ({ key, a: left.params[key] ?? null, b: right.params[key] ?? null, differs: left.params[key] !== right.params[key] })),
    metrics: keys("metrics").map((key) => ({ key, a: (left.metrics[key] as number | null) ?? null, b: (right.metrics[key] as number | null) ?? null })),
  };
}
