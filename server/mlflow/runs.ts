import { and, eq } from "drizzle-orm";
import { runs } from "@/server/db/schema";
import { requirePermission, requireRun } from "@/server/api/rest/principal";
import { CLIENT_END_STATES, finishExternalRun, startExternalRun, type ClientEndState } from "@/server/tracking/external-runs";
import { searchRuns } from "@/server/tracking/run-search";
import { setRunDeleted } from "@/server/tracking/retention";
import { auditRunWrite, setTags } from "@/server/tracking/runs";
import { DEFAULT_EXPERIMENT_ID, findExperiment, runsJson } from "./entities";
import { int, invalid, keyValues, list, missing, pageToken, runIdOf, str, type MlflowContext, type MlflowHandler } from "./protocol";

/** The run, in the caller's org, as MLflow names it (a miss is RESOURCE_DOES_NOT_EXIST). */
export async function mlflowRun({ db, principal }: MlflowContext, runId: string, permission: "run:read" | "run:update") {
  try {
    return await requireRun(db, principal, runId, permission);
  } catch (err) {
    if ((err as { kind?: string }).kind === "NOT_FOUND") throw missing(`Run '${runId}' not found`);
    throw err;
  }
}

async function oneRunJson(ctx: MlflowContext, runId: string) {
  const found = await searchRuns(ctx.db, { orgId: ctx.principal.org.id, filter: `run_id = '${runId}'`, view: "all", limit: 1 });
  if (found.runs.length === 0) throw missing(`Run '${runId}' not found`);
  return (await runsJson(ctx.db, ctx.principal.org.id, found.runs))[0];
}

export const createRun: MlflowHandler = async (ctx) => {
  const { db, principal, fields } = ctx;
  if (principal.kind === "runToken") throw invalid("A run token cannot create runs; use an API key");
  requirePermission(principal, "run:create");
  const experiment = await findExperiment(db, principal.org.id, str(fields, "experiment_id") ?? DEFAULT_EXPERIMENT_ID);
  if (experiment.deletedAt) throw invalid(`The experiment ${experiment.id} must be in the 'active' state.`);
  const tags = Object.fromEntries(keyValues(fields, "tags").map((t) => [t.key, t.value]));
  const name = str(fields, "run_name", { max: 250 }) ?? tags["mlflow.runName"];
  const run = await startExternalRun(db, principal.org, principal.actor, {
    project: "", experiment: "", experimentId: experiment.id, name, tags, heartbeatTimeout: null, startTime: int(fields, "start_time", { min: 0 }),
  });
  await setTags(db, run, { "mlflow.runName": run.name }); // MLflow servers mirror the name into this tag
  return { run: await oneRunJson(ctx, run.id) };
};

export const updateRun: MlflowHandler = async (ctx) => {
  const { db, principal, fields } = ctx;
  const run = await mlflowRun(ctx, runIdOf(fields), "run:update");
  const status = str(fields, "status");
  const name = str(fields, "run_name", { max: 250 });
  if (name) {
    await db.transaction(async (tx) => {
      await tx.update(runs).set({ name }).where(and(eq(runs.id, run.id), eq(runs.orgId, principal.org.id)));
      await setTags(tx, run, { "mlflow.runName": name });
      await auditRunWrite(tx, run, principal.actor, "run.rename", { name });
    });
  }
  if (status && status !== "RUNNING" && status !== "SCHEDULED") {
    if (!(status in CLIENT_END_STATES)) throw invalid(`Invalid value ${status} for parameter 'status' supplied`);
    await finishExternalRun(db, principal.org, principal.actor, run.id, { state: status as ClientEndState, endTime: int(fields, "end_time", { min: 0 }) });
  }
  return { run_info: (await oneRunJson(ctx, run.id)).info };
};

export const getRun: MlflowHandler = async (ctx) => {
  const run = await mlflowRun(ctx, runIdOf(ctx.fields), "run:read");
  return { run: await oneRunJson(ctx, run.id) };
};

export const searchRunsHandler: MlflowHandler = async ({ db, principal, fields }) => {
  requirePermission(principal, "run:read");
  const max = int(fields, "max_results", { min: 1, max: 50_000 }) ?? 1_000;
  const offset = pageToken.decode(str(fields, "page_token"));
  const experimentIds = await Promise.all(list(fields, "experiment_ids").map(async (id) => (await findExperiment(db, principal.org.id, String(id))).id));
  const viewType = str(fields, "run_view_type") ?? "ACTIVE_ONLY";
  const view = viewType === "DELETED_ONLY" ? "deleted" : viewType === "ALL" ? "all" : "active";
  const orderBy = list(fields, "order_by").map(String);
  const found = await searchRuns(db, { orgId: principal.org.id, experimentIds, filter: str(fields, "filter"), orderBy, view, limit: max, offset });
  return { runs: await runsJson(db, principal.org.id, found.runs), ...(found.nextOffset !== null ? { next_page_token: pageToken.encode(found.nextOffset) } : {}) };
};

const runLifecycleStage = (deleted: boolean): MlflowHandler => async (ctx) => {
  requirePermission(ctx.principal, "run:delete");
  const run = await mlflowRun(ctx, runIdOf(ctx.fields), "run:read");
  await setRunDeleted(ctx.db, ctx.principal.org.id, run.id, ctx.principal.actor, deleted);
};
export const deleteRun = runLifecycleStage(true);
export const restoreRun = runLifecycleStage(false);
