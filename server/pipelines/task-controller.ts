import { eq, sql } from "drizzle-orm";
import type { Db, DbOrTx } from "@/server/db/client";
import { pipelineTasks, runs, taskExecutions } from "@/server/db/schema";
import type { Controller, RunnerOptions } from "@/server/runner/controller";
import { isTerminal } from "@/server/runner/run-lifecycle";
import { getObjectStore } from "@/server/storage";
import { systemActor, type Actor } from "@/server/tenancy/actor";
import { cancelJob } from "@/server/training/jobs";
import { ConflictError, NotFoundError } from "@/server/errors";
import { ensurePhaseRun, executionOf, importPhaseOutputs, PHASE_VERB, PhaseOutputError, stagePhaseInputs, TaskMoved, type Execution, type PhaseResult } from "./phase-runs";
import { RemoteCallError } from "@/server/executors/types";
import { importExternalResult, pollExternalPhase, serviceFor, startExternalPhase } from "./external-phases";
import { nextAfterEvaluation } from "./stopping";
import { taskLifecycle, type Phase, type TaskStatus } from "./task-lifecycle";
import type { Task } from "./tasks";

/**
 * One step of a task: start its phase's run (with its inputs staged), wait for it, import what
 * it produced and move to the next phase; between iterations decide whether to loop. The
 * phase's run is an ordinary run the run controller drives (and adopts after a crash); this
 * controller only reads it, so a task resumes the same phase by finding the same run.
 */
export const taskController: Controller<typeof pipelineTasks> = {
  lifecycle: taskLifecycle,
  reconcile: async (db, opts, task, signal) => {
    const actor = systemActor(`task:${task.name}`);
    const status = task.status as TaskStatus;
    const idle = (ms: number | null, set: Partial<Task> = {}) => taskLifecycle.release(db, task, opts.owner, ms ?? 0, { ...set, ...(ms === null ? { nextCheckAt: null } : {}) });
    if (status === "PENDING" || status === "SUSPENDED") return idle(null); // a user acts next
    if (status === "LOOPING") return loop(db, opts, task, actor);
    const phase = status as Phase;
    if (task.desiredState === "CANCEL") return cancel(db, opts, task, phase, actor);
    try {
      if (serviceFor(task, phase)) return await external(db, opts, task, phase, actor, signal, idle);
      return await builtIn(db, opts, task, phase, actor, signal, idle);
    } catch (err) {
      if (err instanceof TaskMoved) return; // a user's suspend or cancel came first: the next claim sees it
      throw err;
    }
  },
};

type Idle = (ms: number, set?: Partial<Task>) => Promise<void>;

/** A built-in phase: its run, created once with its inputs staged, then its outputs imported. */
async function builtIn(db: Db, opts: RunnerOptions, task: Task, phase: Phase, actor: Actor, signal: AbortSignal, idle: Idle) {
  const current = await executionOf(db, task, task.currentIteration, phase);
  signal.throwIfAborted();
  const { execution, run } = current?.runId ? { execution: current, run: (await db.select().from(runs).where(eq(runs.id, current.runId)))[0] } : await ensurePhaseRun(db, task, phase, actor, opts.owner);
  if (!current?.runId) await opts.faultPoint?.("task:after-phase-run");
  if (!run) return fail(db, opts, task, phase, current, actor, "its run was deleted");
  const store = getObjectStore();
  try {
    if (run.status === "QUEUED") await stagePhaseInputs(db, store, task, phase, run, actor);
    if (!isTerminal(run.status)) return idle(Math.max(opts.pollMs, 500));
    if (run.status !== "SUCCEEDED") return fail(db, opts, task, phase, execution, actor, `its run ${run.name} ended ${run.status}${run.statusMessage ? `: ${run.statusMessage}` : ""}`);
    const result = await importPhaseOutputs(db, store, task, phase, execution, actor);
    await opts.faultPoint?.("task:after-import");
    return complete(db, opts, task, phase, execution, result, actor);
  } catch (err) {
    // What will not change by trying again fails the task: missing outputs, an input gone.
    if (err instanceof PhaseOutputError || err instanceof NotFoundError) return fail(db, opts, task, phase, execution, actor, err.message);
    throw err;
  }
}

/** How long a service may stay unreachable before the task gives up on it. */
const GIVE_UP_MS = 30 * 60_000;

/**
 * A phase on an external service: start it once, poll it, import its result. A service that
 * cannot be reached is tried again later (the task says so); one that refuses the credentials
 * or the request, or answers nonsense, fails the task with its words.
 */
async function external(db: Db, opts: RunnerOptions, task: Task, phase: Phase, actor: Actor, signal: AbortSignal, idle: Idle) {
  const store = getObjectStore();
  const poll = Math.max(opts.pollMs, 1000);
  const execution = await executionOf(db, task, task.currentIteration, phase);
  const where = `${PHASE_VERB[phase]} on ${new URL(serviceFor(task, phase)!).host}`;
  try {
    if (!execution?.remoteId) {
      signal.throwIfAborted();
      await startExternalPhase(db, store, task, phase, opts.owner, signal);
      return idle(poll, { statusMessage: `Iteration ${task.currentIteration}: ${where} started` });
    }
    const state = await pollExternalPhase(db, task, phase, execution, signal);
    if (state.state === "running") return idle(poll, { statusMessage: `Iteration ${task.currentIteration}: ${where}${state.progress !== undefined ? ` (${Math.round(state.progress * 100)} %)` : ""}` });
    if (state.state === "failed") return fail(db, opts, task, phase, execution, actor, `the service says: ${state.error}`);
    return complete(db, opts, task, phase, execution, await importExternalResult(db, store, task, phase, execution, state.result, actor), actor);
  } catch (err) {
    if (err instanceof PhaseOutputError || err instanceof NotFoundError) return fail(db, opts, task, phase, execution, actor, err.message);
    if (err instanceof RemoteCallError && (err.kind === "unreachable" || err.kind === "timeout") && !signal.aborted) {
      const since = (await executionOf(db, task, task.currentIteration, phase))?.contactedAt;
      if (since && Date.now() - since.getTime() > GIVE_UP_MS) return fail(db, opts, task, phase, execution, actor, `${err.message}; no answer for 30 minutes`);
      return idle(15_000, { statusMessage: `Iteration ${task.currentIteration}: ${where}: ${err.message}; trying again in 15 s` });
    }
    if (err instanceof RemoteCallError) return fail(db, opts, task, phase, execution, actor, err.message);
    throw err;
  }
}

const NEXT: Record<Phase, TaskStatus> = { OPTIMIZING: "TRAINING", TRAINING: "EVALUATING", EVALUATING: "LOOPING" };

/** The phase's outputs recorded and the task moved on, in one transaction (or neither). */
async function complete(db: Db, opts: RunnerOptions, task: Task, phase: Phase, execution: Execution, result: PhaseResult, actor: Actor) {
  const bestScore = result.score === undefined ? task.bestScore : Math.max(task.bestScore ?? -Infinity, result.score);
  const decision = phase === "EVALUATING" ? nextAfterEvaluation(task, result.score!, bestScore!) : null;
  const to = decision?.to ?? NEXT[phase];
  const it = task.currentIteration;
  const message = decision?.message ?? (to === "TRAINING" ? `Iteration ${it}: training on ${result.summary}` : `Iteration ${it}: evaluating the model`);
  await moveOrDrop(db, async (tx) => {
    await tx.update(taskExecutions).set({
      status: "SUCCEEDED", finishedAt: sql`now()`, message: result.summary,
      outputVersionId: result.outputVersionId, modelArtifact: result.modelArtifact, remoteModel: result.remoteModel, report: result.report, score: result.score,
    }).where(eq(taskExecutions.id, execution.id));
    const moved = await taskLifecycle.transition(tx, {
      id: task.id, orgId: task.orgId, from: phase, to, version: task.version, leaseOwner: opts.owner, actor,
      reason: `${PHASE_VERB[phase]} done: ${result.summary}`,
      set: {
        statusMessage: message, bestScore: bestScore ?? null, nextCheckAt: sql`now()`,
        ...(result.outputVersionId ? { currentVersionId: result.outputVersionId } : {}),
        ...(decision?.stopReason ? { stopReason: decision.stopReason } : {}),
      },
    });
    if (!moved.ok) throw new TaskMoved();
    if (!taskLifecycle.isTerminal(to)) await taskLifecycle.release(tx, { id: task.id, version: moved.version }, opts.owner, 0);
  });
}

/** Between iterations: stop if cancelled, else the next iteration's optimization. */
async function loop(db: Db, opts: RunnerOptions, task: Task, actor: Actor) {
  const it = task.currentIteration;
  const cancelled = task.desiredState === "CANCEL";
  await moveOrDrop(db, async (tx) => {
    const moved = await taskLifecycle.transition(tx, {
      id: task.id, orgId: task.orgId, from: "LOOPING", to: cancelled ? "CANCELLED" : "OPTIMIZING", version: task.version, leaseOwner: opts.owner, actor,
      reason: cancelled ? "cancelled between iterations" : `iteration ${it + 1}`,
      set: cancelled
        ? { stopReason: `Cancelled after iteration ${it}`, statusMessage: `Cancelled after iteration ${it}` }
        : { currentIteration: it + 1, statusMessage: `Iteration ${it + 1}: optimizing the data with iteration ${it}'s bad cases`, nextCheckAt: sql`now()` },
    });
    if (!moved.ok) throw new TaskMoved();
    if (!cancelled) await taskLifecycle.release(tx, { id: task.id, version: moved.version }, opts.owner, 0);
  });
}

/**
 * Cancelling stops the phase's run. From EVALUATING the state machine leaves only through
 * LOOPING, so the task passes through it (both transitions recorded).
 */
async function cancel(db: Db, opts: RunnerOptions, task: Task, phase: Phase, actor: Actor) {
  const execution = await executionOf(db, task, task.currentIteration, phase);
  if (execution?.runId) {
    const [run] = await db.select({ status: runs.status }).from(runs).where(eq(runs.id, execution.runId));
    if (run && !isTerminal(run.status)) await cancelJob(db, { id: task.orgId }, actor, execution.runId).catch(ignoreEnded);
  }
  const reason = `Cancelled in iteration ${task.currentIteration} while ${phase.toLowerCase()}`;
  await moveOrDrop(db, async (tx) => {
    if (execution && execution.status === "RUNNING") {
      await tx.update(taskExecutions).set({ status: "CANCELLED", finishedAt: sql`now()`, message: "Cancelled with the task" }).where(eq(taskExecutions.id, execution.id));
    }
    let version = task.version;
    let from: TaskStatus = phase;
    if (phase === "EVALUATING") {
      const through = await taskLifecycle.transition(tx, { id: task.id, orgId: task.orgId, from, to: "LOOPING", version, leaseOwner: opts.owner, actor, reason: "cancelling" });
      if (!through.ok) throw new TaskMoved();
      version = through.version;
      from = "LOOPING";
    }
    const moved = await taskLifecycle.transition(tx, {
      id: task.id, orgId: task.orgId, from, to: "CANCELLED", version, leaseOwner: opts.owner, actor, reason: "cancelled",
      set: { stopReason: reason, statusMessage: reason },
    });
    if (!moved.ok) throw new TaskMoved();
  });
}

async function fail(db: Db, opts: RunnerOptions, task: Task, phase: Phase, execution: Execution | undefined, actor: Actor, why: string) {
  const reason = `${PHASE_VERB[phase][0].toUpperCase()}${PHASE_VERB[phase].slice(1)} failed in iteration ${task.currentIteration}: ${why}`.slice(0, 1000);
  await moveOrDrop(db, async (tx) => {
    if (execution) await tx.update(taskExecutions).set({ status: "FAILED", finishedAt: sql`now()`, message: why.slice(0, 1000) }).where(eq(taskExecutions.id, execution.id));
    // A run that has not ended (e.g. its inputs could not be staged) goes with the task.
    const [run] = execution?.runId ? await tx.select({ status: runs.status }).from(runs).where(eq(runs.id, execution.runId)) : [];
    if (run && !isTerminal(run.status)) await cancelJob(tx as unknown as Db, { id: task.orgId }, actor, execution!.runId!).catch(ignoreEnded);
    const moved = await taskLifecycle.transition(tx, {
      id: task.id, orgId: task.orgId, from: phase, to: "FAILED", version: task.version, leaseOwner: opts.owner, actor, reason: why.slice(0, 500),
      set: { stopReason: reason, statusMessage: reason },
    });
    if (!moved.ok) throw new TaskMoved();
  });
}

/** A run that ended meanwhile needs no cancel; anything else is worth the step's retry. */
const ignoreEnded = (err: unknown) => { if (!(err instanceof ConflictError)) throw err; };

/** Runs the writes; if the task moved under us (a user's suspend or cancel), none of them land. */
async function moveOrDrop(db: Db, work: (tx: DbOrTx) => Promise<void>) {
  try {
    await db.transaction(work);
  } catch (err) {
    if (!(err instanceof TaskMoved)) throw err;
  }
}
