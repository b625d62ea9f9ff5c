import { and, desc, eq, sql } from "drizzle-orm";
import type { Db, DbOrTx } from "@/server/db/client";
import { datasetVersions, pipelineTasks, taskExecutions } from "@/server/db/schema";
import { seal } from "@/server/auth/secret-box";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "@/server/errors";
import { wakeRunner } from "@/server/runner/wake";
import type { Actor } from "@/server/tenancy/actor";
import type { OrgContext } from "@/server/tenancy/organizations";
import { can } from "@/server/tenancy/permissions";
import { cancelJob } from "@/server/training/jobs";
import { ensureProject, getProject } from "@/server/tracking/projects";
import { createTaskSchema } from "./task-input";
import { isPhase, resumeRequest, suspendRequest, taskLifecycle } from "./task-lifecycle";

export type Task = typeof pipelineTasks.$inferSelect;

/** A user's write fences the runner (version bump) and makes the task due at once. */
const HAND_BACK = { leaseOwner: null, leaseExpiresAt: null, nextCheckAt: sql`now()` };

/** The dataset's version to use: the one named, else its newest. */
async function versionOf(db: DbOrTx, orgId: string, datasetId: string, version?: number) {
  const [v] = await db.select().from(datasetVersions)
    .where(and(eq(datasetVersions.orgId, orgId), eq(datasetVersions.datasetId, datasetId), version ? eq(datasetVersions.version, version) : undefined))
    .orderBy(desc(datasetVersions.version)).limit(1);
  if (!v) throw version ? new NotFoundError("Dataset version") : new NotFoundError("Dataset");
  return v;
}

/** Creates a task in PENDING; with `start`, sets it going in the same transaction. */
export async function createTask(db: Db, org: OrgContext, actor: Actor, raw: unknown, opts: { start?: boolean } = {}): Promise<Task> {
  const input = createTaskSchema.parse(raw);
  if ((input.validationDatasetId && input.validationDatasetId === input.datasetId) || (input.testDatasetId && input.testDatasetId === input.datasetId)) {
    throw new ValidationError("Held-out data must be another dataset than the one trained on");
  }
  const urls = Object.fromEntries(Object.entries(input.services ?? {}).filter(([, url]) => url));
  // Anvil's server calls these addresses: the same trust as registering a cluster.
  if (Object.keys(urls).length > 0 && !can(org.role, "cluster:create", org.grants)) throw new ForbiddenError("Phases on external services take the admin role: Anvil's server calls the addresses given");
  const phaseServices = Object.keys(urls).length > 0 ? { urls, token: input.serviceToken ? seal(input.serviceToken) : null } : null;
  const task = await db.transaction(async (tx) => {
    const source = await versionOf(tx, org.id, input.datasetId, input.datasetVersion);
    const validation = input.validationDatasetId ? await versionOf(tx, org.id, input.validationDatasetId) : null;
    const test = input.testDatasetId ? await versionOf(tx, org.id, input.testDatasetId) : null;
    const project = input.projectId ? await getProject(tx, org.id, input.projectId) : await ensureProject(tx, org.id, input.project ?? "Default");
    const created = await taskLifecycle.create(tx, {
      values: {
        orgId: org.id, projectId: project.id, name: input.name, mode: input.mode, modelName: input.modelName,
        datasetId: input.datasetId, sourceVersionId: source.id, validationVersionId: validation?.id ?? null, testVersionId: test?.id ?? null,
        hyperparameters: input.hyperparameters, phaseServices, maxIterations: input.maxIterations, performanceThreshold: input.performanceThreshold ?? null,
        createdBy: actor.kind === "user" ? actor.userId : null, nextCheckAt: null, statusMessage: "Created; start it to run",
      },
      actor, reason: "created", audit: { action: "pipeline_task.create", details: { name: input.name, mode: input.mode, dataset: input.datasetId } },
    });
    if (opts.start) await start(tx, created, actor);
    return created;
  });
  if (opts.start) wakeRunner();
  return task;
}

/** The task; `lock` holds its row for a user's change (the runner's claim skips a locked row). */
export async function getTaskRow(db: DbOrTx, orgId: string, id: string, lock = false): Promise<Task> {
  const query = db.select().from(pipelineTasks).where(and(eq(pipelineTasks.id, id), eq(pipelineTasks.orgId, orgId)));
  const [row] = lock ? await query.for("update") : await query;
  if (!row) throw new NotFoundError("Task");
  return row;
}

/** PENDING → OPTIMIZING, iteration 1, on the source version. */
export async function startTask(db: Db, org: { id: string }, actor: Actor, id: string) {
  await db.transaction(async (tx) => start(tx, await getTaskRow(tx, org.id, id, true), actor));
  wakeRunner();
}

async function start(tx: DbOrTx, task: Task, actor: Actor) {
  if (task.status !== "PENDING") throw new ConflictError(`The task was already started (${task.status})`);
  const moved = await taskLifecycle.transition(tx, {
    id: task.id, orgId: task.orgId, from: "PENDING", to: "OPTIMIZING", version: task.version, actor, reason: "started",
    set: { currentIteration: 1, currentVersionId: task.sourceVersionId, statusMessage: "Iteration 1: optimizing the data", ...HAND_BACK },
  });
  if (!moved.ok) throw new ConflictError("The task changed meanwhile; reload and try again");
}

/**
 * Suspends a running phase: the task remembers it, the phase's run is stopped, and resuming
 * runs that phase again in a new run — all in one transaction, so no run is left unowned.
 */
export async function suspendTask(db: Db, org: { id: string }, actor: Actor, id: string) {
  await db.transaction(async (tx) => {
    const task = await getTaskRow(tx, org.id, id, true);
    if (!isPhase(task.status)) throw new ConflictError(`Only a running phase can be suspended (the task is ${task.status})`);
    if (task.desiredState === "CANCEL") throw new ConflictError("The task is being cancelled");
    const req = suspendRequest(task.status);
    const moved = await taskLifecycle.transition(tx, {
      id, orgId: org.id, ...req, version: task.version, actor, reason: `suspended by ${actor.label}`,
      set: { ...req.set, statusMessage: `Suspended in ${task.status.toLowerCase()}, iteration ${task.currentIteration}`, ...HAND_BACK },
    });
    if (!moved.ok) throw new ConflictError("The task moved on meanwhile; reload and try again");
    const [execution] = await tx.update(taskExecutions).set({ status: "SUSPENDED", message: `Suspended by ${actor.label}` })
      .where(and(eq(taskExecutions.taskId, id), eq(taskExecutions.iteration, task.currentIteration), eq(taskExecutions.phase, task.status), eq(taskExecutions.status, "RUNNING")))
      .returning();
    if (execution?.runId) await cancelJob(tx as unknown as Db, org, actor, execution.runId).catch((err) => { if (!(err instanceof ConflictError)) throw err; });
  });
  wakeRunner();
}

/** Back into the phase it left; the runner starts that phase again. */
export async function resumeTask(db: Db, org: { id: string }, actor: Actor, id: string) {
  await db.transaction(async (tx) => {
    const task = await getTaskRow(tx, org.id, id, true);
    if (task.status !== "SUSPENDED") throw new ConflictError(`Only a suspended task can be resumed (the task is ${task.status})`);
    await resumeInto(tx, task, actor, {});
  });
  wakeRunner();
}

async function resumeInto(tx: DbOrTx, task: Task, actor: Actor, set: Partial<Task>) {
  const req = resumeRequest(task.suspendedFrom);
  const moved = await taskLifecycle.transition(tx, {
    id: task.id, orgId: task.orgId, ...req, version: task.version, actor, reason: `resumed by ${actor.label}`,
    set: { statusMessage: `Iteration ${task.currentIteration}: ${req.to.toLowerCase()} again after a suspension`, ...set, ...HAND_BACK },
  });
  if (!moved.ok) throw new ConflictError("The task changed meanwhile; reload and try again");
  // The phase runs again in a new run: the execution keeps its place, not its stopped run.
  await tx.update(taskExecutions).set({ status: "RUNNING", runId: null, message: null, finishedAt: null })
    .where(and(eq(taskExecutions.taskId, task.id), eq(taskExecutions.iteration, task.currentIteration), eq(taskExecutions.phase, req.to), eq(taskExecutions.status, "SUSPENDED")));
}

/**
 * Cancel (a desired state, as for runs): a pending task ends at once; a running one is stopped
 * by the runner, which cancels the phase's run. A suspended task goes back to its phase with
 * the cancel recorded, since the state machine leaves SUSPENDED only that way.
 */
export async function cancelTask(db: Db, org: { id: string }, actor: Actor, id: string) {
  await db.transaction(async (tx) => {
    const task = await getTaskRow(tx, org.id, id, true);
    const cancel = { desiredState: "CANCEL" as const, statusMessage: `Cancelling (asked by ${actor.label})` };
    if (taskLifecycle.isTerminal(task.status)) throw new ConflictError(`The task already ended (${task.status})`);
    if (task.status === "PENDING") {
      const moved = await taskLifecycle.transition(tx, { id, orgId: org.id, from: "PENDING", to: "CANCELLED", version: task.version, actor, reason: "cancelled before it started", set: { statusMessage: "Cancelled before it started", stopReason: `cancelled by ${actor.label}` } });
      if (!moved.ok) throw new ConflictError("The task changed meanwhile; reload and try again");
    } else if (task.status === "SUSPENDED") {
      await resumeInto(tx, task, actor, cancel);
    } else if (!(await taskLifecycle.requestChange(tx, { id, orgId: org.id }, cancel, eq(pipelineTasks.status, task.status)))) {
      throw new ConflictError("The task changed meanwhile; reload and try again");
    }
  });
  wakeRunner();
}
