import { Readable } from "node:stream";
import { and, eq, sql } from "drizzle-orm";
import type { Db, DbOrTx } from "@/server/db/client";
import { datasets, pipelineTasks, runParams, runs, taskExecutions } from "@/server/db/schema";
import { uploadDataset } from "@/server/datasets/datasets";
import { getVersionRow } from "@/server/datasets/datasets";
import { NotFoundError, ValidationError } from "@/server/errors";
import { runLifecycle } from "@/server/runner/run-lifecycle";
import type { ObjectStore } from "@/server/storage/object-store";
import type { Actor } from "@/server/tenancy/actor";
import { hasArtifact, openArtifact, uploadArtifact } from "@/server/tracking/artifacts";
import { ensureExperiment } from "@/server/tracking/projects";
import type { Phase } from "./task-lifecycle";
import type { Task } from "./tasks";

export type Execution = typeof taskExecutions.$inferSelect;

/** The built-in phases (examples/pipeline/phase.mjs): plain Node, nothing else to install. */
export const PHASE_COMMAND = "node examples/pipeline/phase.mjs";
const RUN_TYPE = { OPTIMIZING: "optimization", TRAINING: "training", EVALUATING: "evaluation" } as const;
export const PHASE_VERB = { OPTIMIZING: "optimize", TRAINING: "train", EVALUATING: "evaluate" } as const;
/** What each phase leaves among its run's artifacts. */
export const OUTPUTS = { data: "outputs/data.csv", optimization: "outputs/optimization.json", model: "model/model.json", holdout: "model/holdout.csv", report: "report/report.json" };
const MANIFEST = "inputs/manifest.json";
const MAX_JSON_BYTES = 16 * 1024 ** 2;

/** A phase finished without what it had to produce: the task fails, saying so. */
export class PhaseOutputError extends Error {}

/** The task moved under the runner (a user's suspend or cancel, another runner): drop the work. */
export class TaskMoved extends Error {}

/**
 * Locks the task row while this runner still holds it as it was read; anything else is a
 * TaskMoved. Work that creates something for the phase does this in its transaction, so a
 * suspend or cancel that lands first leaves nothing behind.
 */
export async function holdTask(tx: DbOrTx, task: Task, owner: string): Promise<void> {
  const [held] = await tx.select({ id: pipelineTasks.id }).from(pipelineTasks)
    .where(and(eq(pipelineTasks.id, task.id), eq(pipelineTasks.status, task.status), eq(pipelineTasks.version, task.version), eq(pipelineTasks.leaseOwner, owner)))
    .for("update");
  if (!held) throw new TaskMoved();
}

/** An execution that is still open: a finished one is never reopened. */
export const stillOpen = sql`${taskExecutions.status} in ('RUNNING', 'SUSPENDED')`;

export const executionOf = async (db: DbOrTx, task: Pick<Task, "id">, iteration: number, phase: Phase) =>
  (await db.select().from(taskExecutions).where(and(eq(taskExecutions.taskId, task.id), eq(taskExecutions.iteration, iteration), eq(taskExecutions.phase, phase))))[0];

/**
 * The phase's execution record and its run, created together in one transaction: a runner
 * that dies anywhere leaves either both or neither, so a phase never runs twice for one
 * iteration. The run waits (next check in 3 minutes) until its inputs are staged.
 */
export async function ensurePhaseRun(db: Db, task: Task, phase: Phase, actor: Actor, owner: string): Promise<{ execution: Execution; run: typeof runs.$inferSelect }> {
  return db.transaction(async (tx) => {
    await holdTask(tx, task, owner);
    const existing = await executionOf(tx, task, task.currentIteration, phase);
    if (existing?.runId) {
      const [run] = await tx.select().from(runs).where(eq(runs.id, existing.runId));
      if (run) return { execution: existing, run };
    }
    const experiment = await ensureExperiment(tx, task.orgId, task.projectId, `Pipeline: ${task.name}`.slice(0, 100));
    const params = task.hyperparameters;
    const run = await runLifecycle.create(tx, {
      values: {
        orgId: task.orgId, projectId: task.projectId, experimentId: experiment.id, type: RUN_TYPE[phase],
        name: `${task.name} · iteration ${task.currentIteration} · ${PHASE_VERB[phase]}`.slice(0, 200),
        executor: "local", resources: { gpuCount: 0, cpu: 1, memoryGb: 2 }, executorSpec: { command: PHASE_COMMAND, params },
        maxRetries: 2, retryOnFailure: false, createdBy: task.createdBy, nextCheckAt: sql`now() + interval '3 minutes'`,
      },
      actor, reason: "submitted", audit: { action: "run.submit", details: { task: task.id, iteration: task.currentIteration, phase } },
    });
    const entries = Object.entries(params);
    if (entries.length > 0) await tx.insert(runParams).values(entries.map(([key, value]) => ({ runId: run.id, orgId: task.orgId, key, value: String(value) })));
    const inputVersionId = phase === "EVALUATING" ? (task.testVersionId ?? task.validationVersionId) : task.currentVersionId;
    const [execution] = await tx.insert(taskExecutions)
      .values({ orgId: task.orgId, taskId: task.id, iteration: task.currentIteration, phase, status: "RUNNING", runId: run.id, inputVersionId })
      .onConflictDoUpdate({ target: [taskExecutions.taskId, taskExecutions.iteration, taskExecutions.phase], set: { runId: run.id, status: "RUNNING", message: null, finishedAt: null }, setWhere: stillOpen })
      .returning();
    if (!execution) throw new TaskMoved(); // the phase already finished: this step is stale
    return { execution, run };
  });
}

/**
 * Copies the phase's inputs into its run (a run's token reads only its own artifacts), the
 * manifest last, then lets the runner start it. Safe to repeat: copies replace copies.
 */
export async function stagePhaseInputs(db: Db, store: ObjectStore, task: Task, phase: Phase, run: { id: string; orgId: string }, actor: Actor): Promise<void> {
  if (await hasArtifact(db, run, MANIFEST)) return;
  const inputs: Record<string, unknown> = {};
  const copyVersion = async (name: string, versionId: string) => {
    const v = await getVersionRow(db, task.orgId, versionId);
    const path = `inputs/${name}.${v.format}`;
    await uploadArtifact(db, store, run, actor, { path, contentType: v.format === "csv" ? "text/csv" : "application/x-ndjson", body: await store.get(v.storageKey) });
    inputs[name] = { path, format: v.format, versionId };
  };
  const copyArtifact = async (name: string, fromRun: string, fromPath: string, to: string) => {
    const source = await openArtifact(db, store, task.orgId, fromRun, fromPath);
    await uploadArtifact(db, store, run, actor, { path: to, contentType: source.meta.contentType, body: source.stream ?? Readable.from([]) });
    inputs[name] = to.endsWith(".csv") ? { path: to, format: "csv" } : to;
  };
  if (phase !== "EVALUATING") await copyVersion("data", task.currentVersionId!);
  if (phase === "OPTIMIZING" && task.currentIteration > 1) {
    const last = await executionOf(db, task, task.currentIteration - 1, "EVALUATING");
    if (last?.report) {
      await uploadArtifact(db, store, run, actor, { path: "inputs/feedback.json", contentType: "application/json", body: Readable.from([JSON.stringify(last.report)]) });
      inputs.feedback = "inputs/feedback.json";
    }
  }
  if (phase === "EVALUATING") {
    const training = await executionOf(db, task, task.currentIteration, "TRAINING");
    if (training?.remoteModel) {
      // Trained by an external service: the model it returned.
      await uploadArtifact(db, store, run, actor, { path: "inputs/model.json", contentType: "application/json", body: Readable.from([JSON.stringify(training.remoteModel)]) });
      inputs.model = "inputs/model.json";
    } else {
      if (!training?.runId || !training.modelArtifact) throw new PhaseOutputError(`iteration ${task.currentIteration} has no trained model to evaluate`);
      await copyArtifact("model", training.runId, training.modelArtifact, "inputs/model.json");
      if (await hasArtifact(db, { id: training.runId, orgId: task.orgId }, OUTPUTS.holdout)) await copyArtifact("holdout", training.runId, OUTPUTS.holdout, "inputs/holdout.csv");
    }
    if (task.validationVersionId) await copyVersion("validation", task.validationVersionId);
    if (task.testVersionId) await copyVersion("test", task.testVersionId);
  }
  const manifest = { phase: PHASE_VERB[phase], iteration: task.currentIteration, task: task.id, evaluationData: Boolean(task.validationVersionId || task.testVersionId), inputs };
  await uploadArtifact(db, store, run, actor, { path: MANIFEST, contentType: "application/json", body: Readable.from([JSON.stringify(manifest, null, 2)]) });
  await db.update(runs).set({ nextCheckAt: sql`now()` }).where(and(eq(runs.id, run.id), eq(runs.status, "QUEUED")));
}

async function readJson(db: DbOrTx, store: ObjectStore, orgId: string, runId: string, path: string): Promise<Record<string, unknown>> {
  let opened;
  try {
    opened = await openArtifact(db, store, orgId, runId, path);
  } catch (err) {
    if (err instanceof NotFoundError) throw new PhaseOutputError(`the run left no ${path}`);
    throw err;
  }
  if (opened.meta.size > MAX_JSON_BYTES) throw new PhaseOutputError(`${path} is larger than 16 MiB`);
  const chunks: Buffer[] = [];
  for await (const c of opened.stream ?? []) chunks.push(Buffer.from(c as Uint8Array));
  try {
    const value = JSON.parse(Buffer.concat(chunks).toString("utf8"));
    if (typeof value === "object" && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch { /* named below */ }
  throw new PhaseOutputError(`${path} is not a JSON object`);
}

export interface PhaseResult {
  outputVersionId?: string;
  modelArtifact?: string;
  remoteModel?: Record<string, unknown>;
  report?: Record<string, unknown>;
  score?: number;
  /** One line for the task's status and the execution. */
  summary: string;
}

/**
 * What a finished phase produced, imported: the optimized rows as a new version of the task's
 * dataset (lineage to its input), the model's path, the report and its score. Importing twice
 * is harmless: the same bytes are the same version.
 */
export async function importPhaseOutputs(db: Db, store: ObjectStore, task: Task, phase: Phase, execution: Execution, actor: Actor): Promise<PhaseResult> {
  const runId = execution.runId!;
  if (phase === "OPTIMIZING") {
    const info = await readJson(db, store, task.orgId, runId, OUTPUTS.optimization);
    if (!(await hasArtifact(db, { id: runId, orgId: task.orgId }, OUTPUTS.data))) throw new PhaseOutputError(`the run left no ${OUTPUTS.data}`);
    const opened = await openArtifact(db, store, task.orgId, runId, OUTPUTS.data);
    return importOptimizedData(db, store, task, execution, actor, { body: opened.stream ?? Readable.from([]), format: "csv", derivation: String(info.derivation ?? "optimized") });
  }
  if (phase === "TRAINING") {
    if (!(await hasArtifact(db, { id: runId, orgId: task.orgId }, OUTPUTS.model))) throw new PhaseOutputError(`the run left no ${OUTPUTS.model}`);
    return { modelArtifact: OUTPUTS.model, summary: `model ${OUTPUTS.model}` };
  }
  const report = await readJson(db, store, task.orgId, runId, OUTPUTS.report);
  if (typeof report.score !== "number" || !Number.isFinite(report.score)) throw new PhaseOutputError(`${OUTPUTS.report} has no numeric "score"`);
  return { report, score: report.score, summary: `score ${round(report.score)}` };
}

const round = (v: number) => Math.round(v * 1e4) / 1e4;

/** The optimized rows as a new version of the task's dataset, derived from the phase's input (lineage). */
export async function importOptimizedData(db: Db, store: ObjectStore, task: Task, execution: Execution, actor: Actor,
  out: { body: Readable; format: "csv" | "jsonl"; derivation: string }): Promise<PhaseResult> {
  const [dataset] = await db.select().from(datasets).where(and(eq(datasets.id, task.datasetId), eq(datasets.orgId, task.orgId)));
  if (!dataset) throw new PhaseOutputError("the task's dataset was deleted");
  const { version } = await uploadDataset(db, store, task.orgId, actor, {
    name: dataset.name, type: dataset.type as "training", domain: dataset.domain, format: out.format,
    filename: `${dataset.name}-iteration-${task.currentIteration}.${out.format}`.slice(0, 255), sourceVersionId: execution.inputVersionId ?? undefined,
    derivation: `iteration ${task.currentIteration}: ${out.derivation}`.slice(0, 500),
  }, out.body).catch((err: unknown) => {
    // Rows that are not a table fail the phase, not the runner's step (which would retry forever).
    if (err instanceof ValidationError) throw new PhaseOutputError(`the optimized data is not a table: ${err.message}`);
    throw err;
  });
  return { outputVersionId: version.id, summary: `v${version.version}, ${version.rows} rows (${out.derivation})` };
}
