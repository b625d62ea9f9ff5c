import { sql, type SQL } from "drizzle-orm";
import type { Db } from "@/server/db/client";
import { runs as runsTable } from "@/server/db/schema";
import { systemActor } from "@/server/tenancy/actor";
import type { RunnerOptions } from "./controller";
import { runLifecycle, type RunStatus } from "./run-lifecycle";

type Run = typeof runsTable.$inferSelect;

/**
 * One step for a run logged from outside: nothing to submit or stop, only two questions — did
 * someone ask it to stop (it ends CANCELLED; the client learns it from its next heartbeat), and
 * has its client gone silent for longer than its timeout (CRASHED, as W&B marks such runs).
 */
export async function reconcileExternalRun(db: Db, opts: RunnerOptions, run: Run, signal: AbortSignal): Promise<void> {
  const actor = systemActor(`runner:${opts.owner}`);
  const status = run.status as RunStatus;
  const move = (to: RunStatus, reason: string, message: string, guard?: SQL) => db.transaction((tx) => runLifecycle.transition(tx, {
    id: run.id, orgId: run.orgId, from: status, to, version: run.version, leaseOwner: opts.owner, guard, actor, reason, set: { statusMessage: message, nextCheckAt: null },
  }));
  signal.throwIfAborted();
  if (status === "QUEUED" || run.desiredState === "CANCEL") {
    await move("CANCELLED", "stop requested", `Stopped by ${run.cancelledBy ?? "a user"}`);
    return;
  }
  const timeout = (run.executorSpec as { heartbeatTimeout?: number | null }).heartbeatTimeout ?? null;
  if (status !== "RUNNING" || !timeout) return runLifecycle.release(db, run, opts.owner, 0, { nextCheckAt: null });
  const silentFor = run.heartbeatAt ? (Date.now() - run.heartbeatAt.getTime()) / 1000 : Infinity;
  if (silentFor >= timeout) {
    // Only if still silent when written: a heartbeat landing meanwhile (it does not bump the
    // version) keeps the run RUNNING instead of crashing it until the next beat.
    const stillSilent = sql`(${runsTable.heartbeatAt} is null or ${runsTable.heartbeatAt} < now() - make_interval(secs => ${timeout}))`;
    await move("CRASHED", "no heartbeat", `No heartbeat from the client for ${Math.round(silentFor)} s (timeout ${timeout} s)`, stillSilent);
    return;
  }
  await runLifecycle.release(db, run, opts.owner, 0, { nextCheckAt: sql`${run.heartbeatAt} + make_interval(secs => ${timeout})` });
}
