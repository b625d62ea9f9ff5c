import { randomBytes } from "node:crypto";
import { and, asc, eq, inArray, isNull, sql } from "drizzle-orm";
import { requirePermission } from "@/server/api/rest/principal";
import type { DbOrTx } from "@/server/db/client";
import { loggedModels, runModelOutputs } from "@/server/db/schema";
import { actingUser } from "@/server/tracking/external-runs";
import { auditRunWrite } from "@/server/tracking/runs";
import { children } from "./artifacts";
import { findExperiment, mlflowExperimentId } from "./entities";
import { mlflowRun } from "./runs";
import { int, invalid, keyValues, list, missing, pageToken, str, type MlflowContext, type MlflowHandler } from "./protocol";

type Model = typeof loggedModels.$inferSelect;

/** MLflow's LoggedModelStatus, by name and by number (protobuf JSON may send either). */
const STATUSES = ["LOGGED_MODEL_STATUS_UNSPECIFIED", "LOGGED_MODEL_PENDING", "LOGGED_MODEL_READY", "LOGGED_MODEL_UPLOAD_FAILED"];
const MAX_SEARCH = 50;

async function modelJson(ctx: MlflowContext, m: Model) {
  const experimentId = await mlflowExperimentId(ctx.db, ctx.principal.org.id, m.experimentId);
  return {
    info: {
      model_id: m.id, experiment_id: experimentId, name: m.name,
      creation_timestamp_ms: m.createdAt.getTime(), last_updated_timestamp_ms: m.updatedAt.getTime(),
      // The files live in the source run's artifacts, so they show in its file tree too.
      artifact_uri: `mlflow-artifacts:/${experimentId}/${m.sourceRunId}/artifacts/models/${m.id}`,
      status: m.status, source_run_id: m.sourceRunId,
      ...(m.modelType ? { model_type: m.modelType } : {}), ...(m.statusMessage ? { status_message: m.statusMessage } : {}),
      tags: Object.entries(m.tags).map(([key, value]) => ({ key, value })), registrations: [],
    },
    data: { params: Object.entries(m.params).map(([key, value]) => ({ key, value })), metrics: [] },
  };
}

/** The model, in the caller's org; deleted ones only when asked for. */
async function findModel(db: DbOrTx, orgId: string, id: string | undefined, opts: { allowDeleted?: boolean } = {}): Promise<Model> {
  if (!id || !/^m-[0-9a-f]{32}$/.test(id)) throw missing(`Logged model with ID '${id ?? ""}' not found.`);
  const [m] = await db.select().from(loggedModels)
    .where(and(eq(loggedModels.id, id), eq(loggedModels.orgId, orgId), opts.allowDeleted ? undefined : isNull(loggedModels.deletedAt)));
  if (!m) throw missing(`Logged model with ID '${id}' not found.`);
  return m;
}

const asMap = (pairs: Array<{ key: string; value: string }>) => Object.fromEntries(pairs.map((p) => [p.key, p.value]));

export const createLoggedModel: MlflowHandler = async (ctx) => {
  requirePermission(ctx.principal, "artifact:create");
  const experiment = await findExperiment(ctx.db, ctx.principal.org.id, str(ctx.fields, "experiment_id", { required: true })!);
  const runId = str(ctx.fields, "source_run_id");
  if (!runId) throw invalid("Log the model inside a run (mlflow.start_run()): models here keep their files in the run that made them.");
  const run = await mlflowRun(ctx, runId, "run:update");
  if (run.experimentId !== experiment.id) throw invalid(`Run '${runId}' is not in experiment ${str(ctx.fields, "experiment_id")}`);
  const id = `m-${randomBytes(16).toString("hex")}`;
  const [m] = await ctx.db.transaction(async (tx) => {
    const rows = await tx.insert(loggedModels).values({
      id, orgId: ctx.principal.org.id, experimentId: experiment.id, sourceRunId: run.id,
      name: str(ctx.fields, "name", { max: 500 }) ?? `model-${id.slice(2, 10)}`, modelType: str(ctx.fields, "model_type", { max: 500 }) ?? null,
      tags: asMap(keyValues(ctx.fields, "tags")), params: asMap(keyValues(ctx.fields, "params")), createdBy: await actingUser(tx, ctx.principal.org.id, ctx.principal.actor),
    }).returning();
    await auditRunWrite(tx, run, ctx.principal.actor, "run.logged-model", { modelId: id });
    return rows;
  });
  return { model: await modelJson(ctx, m) };
};

export async function loggedModelRoute(ctx: MlflowContext, method: string, rest: string[]) {
  const [id, sub, key] = rest;
  if (method === "POST" && id === "search" && rest.length === 1) return searchLoggedModels(ctx);
  if (rest.length === 1 && method === "GET") {
    requirePermission(ctx.principal, "run:read");
    return { model: await modelJson(ctx, await findModel(ctx.db, ctx.principal.org.id, id, { allowDeleted: str(ctx.fields, "allow_deleted")?.toLowerCase() === "true" })) };
  }
  if (rest.length === 1 && method === "PATCH") return finalize(ctx, id);
  if (rest.length === 1 && method === "DELETE") {
    requirePermission(ctx.principal, "run:update");
    const m = await findModel(ctx.db, ctx.principal.org.id, id);
    await ctx.db.update(loggedModels).set({ deletedAt: sql`now()`, updatedAt: sql`now()` }).where(eq(loggedModels.id, m.id));
    return {};
  }
  if (sub === "tags" && method === "PATCH" && rest.length === 2) return updateModel(ctx, id, (m) => ({ tags: { ...m.tags, ...asMap(keyValues(ctx.fields, "tags")) } }));
  if (sub === "tags" && method === "DELETE" && rest.length === 3) {
    return updateModel(ctx, id, (m) => {
      if (!(key in m.tags)) throw missing(`No tag with key '${key}' on logged model ${id}`);
      const { [key]: _gone, ...tags } = m.tags;
      return { tags };
    });
  }
  if (sub === "artifacts" && key === "directories" && method === "GET" && rest.length === 3) return listModelArtifacts(ctx, id);
  if (sub === "params" && method === "POST" && rest.length === 2) return updateModel(ctx, id, (m) => ({ params: { ...m.params, ...asMap(keyValues(ctx.fields, "params")) } }));
  return undefined;
}

async function updateModel(ctx: MlflowContext, id: string, change: (m: Model) => Partial<Pick<Model, "tags" | "params">>) {
  requirePermission(ctx.principal, "run:update");
  await ctx.db.transaction(async (tx) => {
    // Concurrent tag/param writes to one model must not lose each other.
    await tx.execute(sql`select 1 from ${loggedModels} where id = ${id} and org_id = ${ctx.principal.org.id}::uuid for update`);
    const m = await findModel(tx, ctx.principal.org.id, id);
    await tx.update(loggedModels).set({ ...change(m), updatedAt: sql`now()` }).where(eq(loggedModels.id, m.id));
  });
  return {};
}

async function finalize(ctx: MlflowContext, id: string) {
  requirePermission(ctx.principal, "run:update");
  const raw = ctx.fields.status;
  const status = typeof raw === "number" ? STATUSES[raw] : typeof raw === "string" ? raw : undefined;
  if (!status || !STATUSES.slice(2).includes(status)) throw invalid(`status must be LOGGED_MODEL_READY or LOGGED_MODEL_UPLOAD_FAILED, got ${JSON.stringify(raw)}`);
  const m = await findModel(ctx.db, ctx.principal.org.id, id);
  const [updated] = await ctx.db.update(loggedModels).set({ status, updatedAt: sql`now()` }).where(eq(loggedModels.id, m.id)).returning();
  return { model: await modelJson(ctx, updated) };
}

async function searchLoggedModels(ctx: MlflowContext) {
  requirePermission(ctx.principal, "run:read");
  const ids = list(ctx.fields, "experiment_ids").map(String);
  if (ids.length === 0) throw invalid("Missing value for required parameter 'experiment_ids'.");
  const experiments = await Promise.all(ids.map((i) => findExperiment(ctx.db, ctx.principal.org.id, i)));
  const filter = str(ctx.fields, "filter");
  const byName = filter ? /^\s*name\s*=\s*'([^']*)'\s*$/.exec(filter) : null;
  if (filter && !byName) throw invalid(`Unsupported filter '${filter}': logged models are searched by name = '…' here`);
  const max = int(ctx.fields, "max_results", { min: 1, max: MAX_SEARCH }) ?? MAX_SEARCH;
  const offset = pageToken.decode(str(ctx.fields, "page_token"));
  const rows = await ctx.db.select().from(loggedModels).where(and(
    eq(loggedModels.orgId, ctx.principal.org.id), inArray(loggedModels.experimentId, experiments.map((e) => e.id)), isNull(loggedModels.deletedAt),
    byName ? eq(loggedModels.name, byName[1]) : undefined,
  )).orderBy(asc(loggedModels.createdAt), asc(loggedModels.id)).limit(max + 1).offset(offset);
  const models = await Promise.all(rows.slice(0, max).map((m) => modelJson(ctx, m)));
  return { models, ...(rows.length > max ? { next_page_token: pageToken.encode(offset + max) } : {}) };
}

/** `runs/outputs`: links logged models to the run that produced them, at a step. */
export const logOutputs: MlflowHandler = async (ctx) => {
  const run = await mlflowRun(ctx, str(ctx.fields, "run_id", { required: true })!, "run:update");
  const outputs = list(ctx.fields, "models").map((entry, i) => {
    if (typeof entry !== "object" || entry === null) throw invalid(`'models[${i}]' must be an object with model_id and step`);
    return { modelId: str(entry as Record<string, unknown>, "model_id", { required: true })!, step: int(entry as Record<string, unknown>, "step", { min: 0, max: 2 ** 31 - 1 }) ?? 0 };
  });
  for (const o of outputs) await findModel(ctx.db, ctx.principal.org.id, o.modelId);
  if (outputs.length === 0) return {};
  await ctx.db.insert(runModelOutputs).values(outputs.map((o) => ({ runId: run.id, modelId: o.modelId, orgId: ctx.principal.org.id, step: o.step })))
    .onConflictDoUpdate({ target: [runModelOutputs.runId, runModelOutputs.modelId], set: { step: sql`excluded.step` } });
  return {};
};

/** `logged-models/{id}/artifacts/directories`: the model's files, under its source run's `models/<id>/`. */
async function listModelArtifacts(ctx: MlflowContext, id: string) {
  requirePermission(ctx.principal, "artifact:read");
  const m = await findModel(ctx.db, ctx.principal.org.id, id);
  const root = `models/${m.id}`;
  const sub = (str(ctx.fields, "artifact_directory_path") ?? str(ctx.fields, "path") ?? "").replace(/^\/+|\/+$/g, "");
  if (sub.split("/").includes("..")) throw invalid("Invalid path: '..' is not allowed");
  const files = await children(ctx, m.sourceRunId, sub ? `${root}/${sub}` : root);
  return { root_uri: (await modelJson(ctx, m)).info.artifact_uri, files: files.map((f) => ({ ...f, path: f.path.slice(root.length + 1) })) };
}
