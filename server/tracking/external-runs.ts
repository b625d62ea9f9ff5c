import { and, eq, sql } from "drizzle-orm";
import type { Db, DbOrTx } from "@/server/db/client";
import { apiKeys, runParams, runs, runTags } from "@/server/db/schema";
import { ConflictError, NotFoundError } from "@/server/errors";
import { runLifecycle, type RunStatus } from "@/server/runner/run-lifecycle";
import type { Actor } from "@/server/tenancy/actor";
import { ensureExperiment, ensureProject, getExperiment, getProject } from "./projects";
import { runName } from "./run-names";

/** How a client reports the end of its run (MLflow's RunStatus names). */
export const CLIENT_END_STATES = { FINISHED: "SUCCEEDED", FAILED: "FAILED", KILLED: "CANCELLED" } as const satisfies Record<string, RunStatus>;
export type ClientEndState = keyof typeof CLIENT_END_STATES;

export interface StartExternalRun {
  project: string;
  experiment: string;
  /** An existing experiment (MLflow clients name it by id); wins over the names. */
  experimentId?: string;
  name?: string;
  params?: Record<string, string>;
  tags?: Record<string, string>;
  /** Seconds without a heartbeat before the run is marked crashed; null = never (MLflow clients send none). */
  heartbeatTimeout: number | null;
  startTime?: number;
}

/**
 * A run logged from the user's own code: created RUNNING through the lifecycle (QUEUED →
 * RUNNING in one transaction), in a project and experiment found by name or created.
 */
export async function startExternalRun(db: Db, org: { id: string }, actor: Actor, input: StartExternalRun) {
  return db.transaction(async (tx) => {
    const experiment = input.experimentId ? await getExperiment(tx, org.id, input.experimentId) : null;
    const project = experiment ? await getProject(tx, org.id, experiment.projectId) : await ensureProject(tx, org.id, input.project);
    const target = experiment ?? (await ensureExperiment(tx, org.id, project.id, input.experiment));
    const created = await runLifecycle.create(tx, {
      values: {
        orgId: org.id, projectId: project.id, experimentId: target.id, name: input.name || runName(), type: "training",
        executor: "external", executorSpec: { heartbeatTimeout: input.heartbeatTimeout }, maxRetries: 0,
        createdBy: await actingUser(tx, org.id, actor), nextCheckAt: null,
      },
      actor, reason: "started by a client",
      audit: { action: "run.start", details: { project: project.slug, experiment: target.name } },
    });
    const started = await runLifecycle.transition(tx, {
      id: created.id, orgId: org.id, from: "QUEUED", to: "RUNNING", version: created.version, actor, reason: "logging from the client",
      set: {
        heartbeatAt: sql`now()`,
        ...(input.startTime ? { startedAt: new Date(input.startTime) } : {}),
        nextCheckAt: input.heartbeatTimeout ? sql`now() + make_interval(secs => ${input.heartbeatTimeout})` : null,
      },
    });
    if (!started.ok) throw new Error("a run created in this transaction changed under it");
    const params = Object.entries(input.params ?? {});
    if (params.length > 0) await tx.insert(runParams).values(params.map(([key, value]) => ({ runId: created.id, orgId: org.id, key, value })));
    const tags = Object.entries(input.tags ?? {});
    if (tags.length > 0) await tx.insert(runTags).values(tags.map(([key, value]) => ({ runId: created.id, orgId: org.id, key, value })));
    return { ...started.row, project, experiment: target };
  });
}

/** The client's word on how its run ended. Finishing an ended run again with the same state is a no-op. */
export async function finishExternalRun(db: Db, org: { id: string }, actor: Actor, runId: string, input: { state: ClientEndState; endTime?: number; message?: string }) {
  const to = CLIENT_END_STATES[input.state];
  return db.transaction(async (tx) => {
    const [run] = await tx.select().from(runs).where(and(eq(runs.id, runId), eq(runs.orgId, org.id))).for("update");
    if (!run || run.deletedAt) throw new NotFoundError("Run");
    if (run.status === to) return run;
    if (run.status !== "RUNNING" && run.status !== "CRASHED") throw new ConflictError(`The run already ended (${run.status})`);
    const moved = await runLifecycle.transition(tx, {
      id: run.id, orgId: org.id, from: run.status, to, version: run.version, actor, reason: `reported ${input.state} by the client`,
      set: { ...(input.endTime ? { finishedAt: new Date(input.endTime) } : {}), statusMessage: input.message ?? null },
    });
    if (!moved.ok) throw new ConflictError("The run changed while finishing it; try again");
    return moved.row;
  });
}

/**
 * A sign of life from the client. A crashed run comes back to RUNNING (its client resumed);
 * the answer tells the client whether someone asked the run to stop.
 */
export async function heartbeat(db: Db, org: { id: string }, actor: Actor, runId: string) {
  return db.transaction(async (tx) => {
    const [run] = await tx.update(runs).set({ heartbeatAt: sql`now()` })
      .where(and(eq(runs.id, runId), eq(runs.orgId, org.id), sql`${runs.deletedAt} is null`)).returning();
    if (!run) throw new NotFoundError("Run");
    if (run.status === "CRASHED" && run.desiredState === "RUN") {
      const timeout = (run.executorSpec as { heartbeatTimeout?: number | null }).heartbeatTimeout ?? null;
      const back = await runLifecycle.transition(tx, {
        id: run.id, orgId: org.id, from: "CRASHED", to: "RUNNING", version: run.version, actor, reason: "heartbeats resumed",
        set: { nextCheckAt: timeout ? sql`now() + make_interval(secs => ${timeout})` : null, statusMessage: null },
      });
      if (back.ok) return { status: back.row.status as RunStatus, stopRequested: false };
    }
    return { status: run.status as RunStatus, stopRequested: run.desiredState === "CANCEL" };
  });
}

/** The person behind a request: the user, or whoever created the API key (as W&B and MLflow attribute runs). */
export async function actingUser(tx: DbOrTx, orgId: string, actor: Actor): Promise<string | null> {
  if (actor.kind === "user") return actor.userId;
  if (actor.kind !== "apiKey") return null;
  const [key] = await tx.select({ createdBy: apiKeys.createdBy }).from(apiKeys).where(and(eq(apiKeys.id, actor.apiKeyId), eq(apiKeys.orgId, orgId)));
  return key?.createdBy ?? null;
}
