import { and, eq, sql } from "drizzle-orm";
import type { Db } from "@/server/db/client";
import { clusters, runs } from "@/server/db/schema";
import { executorForCluster, loadClusterExecutor } from "@/server/clusters/cluster-executors";
import { TERMINAL_REMOTE_STATES, type Executor } from "@/server/executors/types";
import { log } from "@/server/log";
import type { RunnerOptions } from "./controller";
import { runLifecycle } from "./run-lifecycle";

/** How often a job that would not stop is asked again. */
const ORPHAN_RETRY_SECONDS = 10;

/**
 * Cancelled runs whose job would not stop in time (ORPHANED): ask again every few seconds
 * until the executor says the job ended or no longer exists. Claimed by pushing `next_check_at`
 * forward with SKIP LOCKED, so two runners never ask at once.
 */
export async function retryOrphanedStops(db: Db, opts: RunnerOptions): Promise<void> {
  const due = await db.execute(sql`
    update ${runs} set next_check_at = now() + make_interval(secs => ${ORPHAN_RETRY_SECONDS})
    where id in (select id from ${runs} where remote_state = 'ORPHANED' and next_check_at <= now() limit 10 for update skip locked)
    returning id, org_id, cluster_id, executor, remote_id`) as unknown as Array<{ id: string; org_id: string; cluster_id: string | null; executor: string; remote_id: string }>;
  // At once, each bounded: one silent cluster must not hold up the runner's pass.
  await Promise.all(due.map(async (row) => {
    const executor = row.cluster_id
      ? (await loadClusterExecutor(db, row.org_id, row.cluster_id, opts.installId).catch(() => null))?.executor
      : opts.executors[row.executor];
    if (!executor) return; // cannot ask now (credentials unreadable, executor not on this runner): later
    const signal = AbortSignal.timeout(Math.min(opts.callTimeoutMs, 10_000));
    try {
      const status = await executor.status(row.remote_id, { signal });
      if (TERMINAL_REMOTE_STATES.has(status.state)) {
        await db.update(runs).set({ remoteState: "STOPPED", nextCheckAt: null }).where(and(eq(runs.id, row.id), eq(runs.remoteState, "ORPHANED")));
        log.info("runner: an orphaned job has ended", { runId: row.id, remoteId: row.remote_id, state: status.state });
      } else {
        await executor.stop(row.remote_id, { signal });
      }
    } catch (err) {
      log.warn("runner: asking an orphaned job to stop failed; will ask again", { runId: row.id, err: (err as Error).message });
    }
  }));
}

/**
 * Jobs still running that no active run claims as its current attempt — left behind when their
 * host was taken over while it was silent, or when a retry moved on: stopped, so one run never
 * has two jobs at work. Clusters are asked for jobs of this installation only.
 */
export async function stopOrphans(db: Db, opts: RunnerOptions): Promise<void> {
  const targets: Array<{ executor: Executor; clusterId: string | null }> = Object.values(opts.executors).map((executor) => ({ executor, clusterId: null }));
  for (const cluster of await db.select().from(clusters)) {
    try {
      targets.push({ executor: executorForCluster(cluster, opts.installId), clusterId: cluster.id });
    } catch (err) {
      log.warn("runner: cannot use a cluster's credentials", { clusterId: cluster.id, err: (err as Error).message });
    }
  }
  for (const { executor, clusterId } of targets) {
    const running = await executor.running?.({ signal: AbortSignal.timeout(opts.callTimeoutMs) }).catch((err: Error) => {
      log.warn("runner: cannot list a cluster's jobs", { clusterId, err: err.message });
      return undefined;
    });
    if (!running || running.length === 0) continue;
    const current = await db.select({ remoteId: runs.remoteId }).from(runs)
      .where(and(sql`${runs.remoteId} in ${running}`, sql`${runs.status} in ${runLifecycle.active}`));
    const claimed = new Set(current.map((r) => r.remoteId));
    // A shared cluster also runs other installations' jobs: only runs this database knows are ours.
    const runIds = [...new Set(running.map(runIdOf).filter((id): id is string => id !== null))];
    const known = new Set(runIds.length === 0 ? [] : (await db.select({ id: runs.id }).from(runs).where(sql`${runs.id} in ${runIds}`)).map((r) => r.id));
    for (const remoteId of running.filter((id) => !claimed.has(id) && known.has(runIdOf(id) ?? ""))) {
      log.warn("runner: stopping a job no run claims any more", { remoteId, placement: executor.placement, clusterId });
      await executor.stop(remoteId, { signal: AbortSignal.timeout(opts.callTimeoutMs) }).catch(() => {});
    }
  }
}

/** The run id inside a remote id (`<install>-<run uuid>-<attempt>`). */
function runIdOf(remoteId: string): string | null {
  return /([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})-\d+$/.exec(remoteId)?.[1] ?? null;
}
