import { and, asc, eq, inArray } from "drizzle-orm";
import type { Db } from "@/server/db/client";
import { experiments, runDatasetInputs, runModelOutputs } from "@/server/db/schema";
import { ensureExperiment, ensureProject } from "@/server/tracking/projects";
import { jsonDouble } from "@/server/tracking/metrics";
import { runColumns, toMlflowStatus, type RunRow } from "@/server/tracking/run-search";
import { missing } from "./protocol";

type Experiment = typeof experiments.$inferSelect;

/** MLflow's `Default` experiment is "0": here, the Default experiment of the Default project. */
export const DEFAULT_EXPERIMENT_ID = "0";

export async function defaultExperiment(db: Db, orgId: string): Promise<Experiment> {
  return db.transaction(async (tx) => {
    const project = await ensureProject(tx, orgId, "Default");
    return ensureExperiment(tx, orgId, project.id, "Default");
  });
}

/** An MLflow experiment id ("0" or ours), deleted ones included. */
export async function findExperiment(db: Db, orgId: string, id: string): Promise<Experiment> {
  if (id === DEFAULT_EXPERIMENT_ID) return defaultExperiment(db, orgId);
  if (!/^[0-9a-f-]{36}$/i.test(id)) throw missing(`No Experiment with id=${id} exists`);
  const [row] = await db.select().from(experiments).where(and(eq(experiments.orgId, orgId), eq(experiments.id, id)));
  if (!row) throw missing(`No Experiment with id=${id} exists`);
  return row;
}

export async function mlflowExperimentId(db: Db, orgId: string, experimentId: string): Promise<string> {
  return experimentId === (await defaultExperiment(db, orgId)).id ? DEFAULT_EXPERIMENT_ID : experimentId;
}

export function experimentJson(e: Experiment, id: string) {
  return {
    experiment_id: id, name: e.name, artifact_location: `mlflow-artifacts:/${id}`,
    lifecycle_stage: e.deletedAt ? "deleted" : "active",
    last_update_time: e.updatedAt.getTime(), creation_time: e.createdAt.getTime(),
    tags: Object.entries(e.tags).map(([key, value]) => ({ key, value })),
  };
}

export function runInfoJson(r: RunRow & { experimentMlflowId: string }) {
  return {
    run_id: r.id, run_uuid: r.id, run_name: r.name, experiment_id: r.experimentMlflowId, user_id: r.createdByEmail ?? "",
    status: toMlflowStatus(r.status), start_time: (r.startedAt ?? r.createdAt).getTime(), ...(r.finishedAt ? { end_time: r.finishedAt.getTime() } : {}),
    artifact_uri: `mlflow-artifacts:/${r.experimentMlflowId}/${r.id}/artifacts`, lifecycle_stage: r.deletedAt ? "deleted" : "active",
  };
}

/** Full MLflow `Run` objects for a page of runs: info plus latest metric per key, params and tags. */
export async function runsJson(db: Db, orgId: string, rows: RunRow[]) {
  const cols = await runColumns(db, orgId, rows.map((r) => r.id));
  const defaultId = (await defaultExperiment(db, orgId)).id;
  const by = <T extends { run_id: string }>(items: T[]) => {
    const m = new Map<string, T[]>();
    for (const i of items) m.set(i.run_id, [...(m.get(i.run_id) ?? []), i]);
    return m;
  };
  const params = by(cols.params), tags = by(cols.tags), metrics = by(cols.metrics);
  const ids = rows.map((r) => r.id);
  const [inputRows, outputRows] = ids.length === 0 ? [[], []] : await Promise.all([
    db.select().from(runDatasetInputs).where(and(eq(runDatasetInputs.orgId, orgId), inArray(runDatasetInputs.runId, ids))).orderBy(asc(runDatasetInputs.createdAt)),
    db.select().from(runModelOutputs).where(and(eq(runModelOutputs.orgId, orgId), inArray(runModelOutputs.runId, ids))),
  ]);
  const inputs = by(inputRows.map((i) => ({ ...i, run_id: i.runId })));
  const outputs = by(outputRows.map((o) => ({ ...o, run_id: o.runId })));
  return rows.map((r) => {
    const runTags = (tags.get(r.id) ?? []).map(({ key, value }) => ({ key, value }));
    if (!runTags.some((t) => t.key === "mlflow.runName")) runTags.push({ key: "mlflow.runName", value: r.name });
    return {
      info: runInfoJson({ ...r, experimentMlflowId: r.experimentId === defaultId ? DEFAULT_EXPERIMENT_ID : r.experimentId }),
      data: {
        metrics: (metrics.get(r.id) ?? []).map((m) => ({ key: m.key, value: jsonDouble(m.value), timestamp: Math.round(Number(m.ts)), step: Number(m.step) })),
        params: (params.get(r.id) ?? []).map(({ key, value }) => ({ key, value })),
        tags: runTags,
      },
      inputs: {
        dataset_inputs: (inputs.get(r.id) ?? []).map((i) => ({
          tags: i.tags, dataset: { name: i.name, digest: i.digest, source_type: i.sourceType, source: i.source, ...(i.schema ? { schema: i.schema } : {}), ...(i.profile ? { profile: i.profile } : {}) },
        })),
      },
      outputs: { model_outputs: (outputs.get(r.id) ?? []).map((o) => ({ model_id: o.modelId, step: o.step })) },
    };
  });
}
