import { and, desc, eq, like, sql } from "drizzle-orm";
import type { Db } from "@/server/db/client";
import { artifacts, gpuAllocations, runs } from "@/server/db/schema";
import { ADMISSION_LOCK } from "@/server/scheduling/admission-pass";
import { releaseAllocation } from "@/server/scheduling/allocations";
import type { ColumnValues } from "./lifecycle";
import type { RunnerOptions } from "./controller";

type Run = typeof runs.$inferSelect;

/** A GPU job in a queue starts only once admission gave it GPUs (an open allocation). */
export const needsAdmission = (run: Run) => run.queueId !== null && run.gpus > 0;

/**
 * Whether the queued run holds its GPUs. If not, it sleeps (no next check) until the admission
 * pass makes it due; the shared lock keeps that pass from admitting it between the look and
 * the sleep, which would leave it asleep while admitted.
 */
export async function holdsAdmission(db: Db, opts: RunnerOptions, run: Run): Promise<boolean> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock_shared(${ADMISSION_LOCK})`);
    const [held] = await tx.select({ id: gpuAllocations.id }).from(gpuAllocations)
      .where(and(eq(gpuAllocations.runId, run.id), sql`${gpuAllocations.endedAt} is null`));
    if (held) return true;
    await tx.update(runs).set({ leaseOwner: null, leaseExpiresAt: null, nextCheckAt: null })
      .where(and(eq(runs.id, run.id), eq(runs.version, run.version), eq(runs.leaseOwner, opts.owner)));
    return false;
  });
}

/**
 * Preempted before it started: its GPUs go back and it waits in its queue again. No attempt
 * was made, so none is counted (preemptions count attempts that do not use up retries).
 */
export async function dropAdmission(db: Db, opts: RunnerOptions, run: Run): Promise<void> {
  await db.transaction(async (tx) => {
    const [updated] = await tx.update(runs).set({ desiredState: "RUN", version: sql`${runs.version} + 1`, nextCheckAt: sql`now()`, leaseOwner: null, leaseExpiresAt: null })
      .where(and(eq(runs.id, run.id), eq(runs.version, run.version), eq(runs.leaseOwner, opts.owner), eq(runs.desiredState, "PREEMPT"))).returning({ id: runs.id });
    if (updated) await releaseAllocation(tx, run.id);
  });
}

/**
 * What a preempted attempt leaves for the next one: a new attempt in the queue, no retry used,
 * and its newest checkpoint to resume from when it saved any (ANVIL_RESUME_FROM).
 */
export async function requeueAfterPreemption(db: Db, run: Run): Promise<{ reason: string; set: ColumnValues<typeof runs> }> {
  const [checkpoint] = await db.select({ path: artifacts.path }).from(artifacts)
    .where(and(eq(artifacts.orgId, run.orgId), eq(artifacts.runId, run.id), like(artifacts.path, "checkpoints/%")))
    .orderBy(desc(artifacts.createdAt), desc(artifacts.path)).limit(1);
  const spec = run.executorSpec as { env?: Record<string, string> };
  const env = { ...spec.env, ...(checkpoint ? { ANVIL_RESUME_FROM: checkpoint.path } : {}) };
  const next = run.attempt + 1;
  const why = run.statusMessage?.replace(/^Preempted /, "") ?? "by the scheduler";
  const message = `Attempt ${run.attempt} was preempted ${why}. Back in its queue as attempt ${next}${checkpoint ? `; it resumes from ${checkpoint.path}` : ""}.`;
  return {
    reason: "preempted",
    set: {
      attempt: next, preemptions: run.preemptions + 1, desiredState: "RUN", remoteId: null, remoteState: "NONE", placement: null, logCursor: "",
      statusMessage: message, exitCode: null, exitSignal: null, executorSpec: { ...run.executorSpec, env },
    },
  };
}
