import { Readable } from "node:stream";
import { and, eq, isNull, sql } from "drizzle-orm";
import type { Db } from "@/server/db/client";
import { taskExecutions } from "@/server/db/schema";
import { unseal } from "@/server/auth/secret-box";
import { getVersionRow } from "@/server/datasets/datasets";
import { createPhaseClient, type PhaseKind, type PhaseState } from "@/server/executors/phase-service/phase-client";
import type { ObjectStore } from "@/server/storage/object-store";
import type { Actor } from "@/server/tenancy/actor";
import { openArtifact } from "@/server/tracking/artifacts";
import { executionOf, holdTask, importOptimizedData, PHASE_VERB, PhaseOutputError, stillOpen, TaskMoved, type Execution, type PhaseResult } from "./phase-runs";
import type { Phase } from "./task-lifecycle";
import type { Task } from "./tasks";

/** Tables and models travel inline in the JSON bodies: up to 16 MiB each. */
const MAX_INLINE_BYTES = 16 * 1024 ** 2;

function parseModel(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new PhaseOutputError("the trained model is not JSON, so it cannot be sent to the evaluate service");
  }
}

/** The service that runs this phase of the task, if one was given. */
export const serviceFor = (task: Task, phase: Phase): string | null => task.phaseServices?.urls[PHASE_VERB[phase]] ?? null;

const clientFor = (task: Task, phase: Phase) =>
  createPhaseClient({ baseUrl: serviceFor(task, phase)!, token: task.phaseServices?.token ? unseal(task.phaseServices.token) : undefined });

async function readAll(stream: Readable | null, what: string): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of stream ?? []) {
    size += (c as Buffer).length;
    if (size > MAX_INLINE_BYTES) throw new PhaseOutputError(`${what} is larger than the 16 MiB an external phase takes inline`);
    chunks.push(Buffer.from(c as Uint8Array));
  }
  return Buffer.concat(chunks).toString("utf8");
}

async function versionInline(db: Db, store: ObjectStore, task: Task, versionId: string) {
  const v = await getVersionRow(db, task.orgId, versionId);
  if (v.size > MAX_INLINE_BYTES) throw new PhaseOutputError(`version ${v.version} (${v.size} bytes) is larger than the 16 MiB an external phase takes inline`);
  return { datasetId: v.datasetId, version: v.version, format: v.format, data: await readAll(await store.get(v.storageKey), `version ${v.version}`) };
}

/**
 * What the service is sent: the task, the iteration and the phase's inputs inline — the data
 * (CSV or JSON Lines text), the last evaluation's report for an optimization, the trained
 * model and the held-out data for an evaluation. The same fields the built-in phase reads.
 */
async function requestBody(db: Db, store: ObjectStore, task: Task, phase: Phase): Promise<Record<string, unknown>> {
  const body: Record<string, unknown> = { taskId: task.id, taskName: task.name, modelName: task.modelName, iteration: task.currentIteration, phase: PHASE_VERB[phase], hyperparameters: task.hyperparameters };
  if (phase !== "EVALUATING") body.dataset = await versionInline(db, store, task, task.currentVersionId!);
  if (phase === "OPTIMIZING") body.feedback = task.currentIteration > 1 ? (await executionOf(db, task, task.currentIteration - 1, "EVALUATING"))?.report ?? null : null;
  if (phase === "EVALUATING") {
    const training = await executionOf(db, task, task.currentIteration, "TRAINING");
    if (training?.remoteModel) body.model = training.remoteModel;
    else if (training?.runId && training.modelArtifact) body.model = parseModel(await readAll((await openArtifact(db, store, task.orgId, training.runId, training.modelArtifact)).stream, "the model"));
    else throw new PhaseOutputError(`iteration ${task.currentIteration} has no trained model to evaluate`);
    if (task.validationVersionId) body.validation = await versionInline(db, store, task, task.validationVersionId);
    if (task.testVersionId) body.test = await versionInline(db, store, task, task.testVersionId);
  }
  return body;
}

/**
 * Starts the phase on its service once. The execution is recorded first (fenced: a suspend or
 * cancel that lands first stops it), then the service is asked with an Idempotency-Key (task,
 * iteration, phase), then its id is recorded: a runner that dies in between asks again with
 * the same key, which is the same job at a service that honours it.
 */
export async function startExternalPhase(db: Db, store: ObjectStore, task: Task, phase: Phase, owner: string, signal: AbortSignal): Promise<void> {
  const kind = PHASE_VERB[phase] as PhaseKind;
  const url = serviceFor(task, phase)!;
  const inputVersionId = phase === "EVALUATING" ? (task.testVersionId ?? task.validationVersionId) : task.currentVersionId;
  const execution = await db.transaction(async (tx) => {
    await holdTask(tx, task, owner);
    const [row] = await tx.insert(taskExecutions)
      .values({ orgId: task.orgId, taskId: task.id, iteration: task.currentIteration, phase, status: "RUNNING", serviceUrl: url, inputVersionId, contactedAt: sql`now()` })
      .onConflictDoUpdate({ target: [taskExecutions.taskId, taskExecutions.iteration, taskExecutions.phase], set: { serviceUrl: url, status: "RUNNING", message: null, finishedAt: null }, setWhere: stillOpen })
      .returning();
    if (!row) throw new TaskMoved();
    return row;
  });
  if (execution.remoteId) return;
  const body = await requestBody(db, store, task, phase);
  const remoteId = await clientFor(task, phase).start(kind, body, `${task.id}:${task.currentIteration}:${kind}`, signal);
  await db.update(taskExecutions).set({ remoteId, contactedAt: sql`now()` }).where(and(eq(taskExecutions.id, execution.id), isNull(taskExecutions.remoteId), stillOpen));
}

/** The service's word on the job; an answer counts as contact (see `contactedAt`). */
export async function pollExternalPhase(db: Db, task: Task, phase: Phase, execution: Execution, signal: AbortSignal): Promise<PhaseState> {
  const state = await clientFor(task, phase).status(PHASE_VERB[phase] as PhaseKind, execution.remoteId!, signal);
  await db.update(taskExecutions).set({ contactedAt: sql`now()` }).where(eq(taskExecutions.id, execution.id));
  return state;
}

/**
 * A completed external phase's result, imported as a built-in phase's outputs are:
 * optimize → `{data, format?, derivation?}` (a new dataset version); train → `{model}`;
 * evaluate → the report itself, with a numeric `score`.
 */
export async function importExternalResult(db: Db, store: ObjectStore, task: Task, phase: Phase, execution: Execution, result: Record<string, unknown>, actor: Actor): Promise<PhaseResult> {
  const host = new URL(execution.serviceUrl!).host;
  if (phase === "OPTIMIZING") {
    if (typeof result.data !== "string") throw new PhaseOutputError(`the optimize service's result has no "data" (the optimized rows as CSV or JSON Lines text)`);
    const format = result.format === "jsonl" ? "jsonl" : "csv";
    const derivation = typeof result.derivation === "string" ? result.derivation.slice(0, 400) : `optimized by ${host}`;
    return importOptimizedData(db, store, task, execution, actor, { body: Readable.from([result.data]), format, derivation });
  }
  if (phase === "TRAINING") {
    const model = result.model;
    if (!model || typeof model !== "object" || Array.isArray(model)) throw new PhaseOutputError(`the train service's result has no "model" object`);
    if (JSON.stringify(model).length > MAX_INLINE_BYTES) throw new PhaseOutputError("the model is larger than 16 MiB");
    return { remoteModel: model as Record<string, unknown>, summary: `model from ${host}` };
  }
  if (typeof result.score !== "number" || !Number.isFinite(result.score)) throw new PhaseOutputError(`the evaluate service's result has no numeric "score"`);
  return { report: result, score: result.score, summary: `score ${Math.round(result.score * 1e4) / 1e4} (${host})` };
}

