import type { Db } from "@/server/db/client";
import type { MetricPoint } from "./metric-input";
import { ingestMetrics } from "./metrics";

type RunRef = { id: string; orgId: string; attempt: number | null };
interface Waiter { count: number; resolve: (inserted: number) => void; reject: (err: unknown) => void }
interface Batch { points: MetricPoint[]; waiters: Waiter[] }

/** At most this many points in one coalesced write (the route's own per-request limit). */
const MAX_POINTS = 10_000;

const queues = new Map<string, Batch[]>();

/**
 * Group commit for one run's metrics. Writes to a run are serialised by its ingestion lock, so
 * requests that arrive while a write to the same run (and attempt) is in flight wait for it and
 * then go together as one write: what MLflow clients send — one point per request, many at once —
 * costs one database round trip per burst instead of one per point. A request alone is written
 * at once, with no added wait.
 *
 * Each request learns how many of its points were stored: exactly when the shared write stored
 * all or none of its points; otherwise (some were replays) the count is handed out in arrival
 * order. A write that fails fails every request in it (they are all for the same run).
 */
export function ingestCoalesced(db: Db, run: RunRef, points: MetricPoint[]): Promise<number> {
  const key = `${run.orgId}:${run.id}:${run.attempt ?? "current"}`;
  return new Promise<number>((resolve, reject) => {
    const waiter = { count: points.length, resolve, reject };
    const queue = queues.get(key);
    if (!queue) {
      queues.set(key, [{ points, waiters: [waiter] }]);
      void drain(db, run, key);
      return;
    }
    // queue[0] is being written; join the last waiting batch if it has room.
    const last = queue.length > 1 ? queue[queue.length - 1] : undefined;
    if (last && last.points.length + points.length <= MAX_POINTS) {
      last.points.push(...points);
      last.waiters.push(waiter);
    } else {
      queue.push({ points: [...points], waiters: [waiter] });
    }
  });
}

async function drain(db: Db, run: RunRef, key: string) {
  const queue = queues.get(key)!;
  while (queue.length > 0) {
    const batch = queue[0];
    try {
      let left = await ingestMetrics(db, run, batch.points);
      const all = left === batch.points.length;
      for (const w of batch.waiters) {
        const mine = all ? w.count : Math.min(w.count, left);
        left -= all ? 0 : mine;
        w.resolve(mine);
      }
    } catch (err) {
      for (const w of batch.waiters) w.reject(err);
    }
    queue.shift();
  }
  queues.delete(key);
}
