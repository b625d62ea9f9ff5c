import { and, desc, eq } from "drizzle-orm";
import type { DbOrTx } from "@/server/db/client";
import { gpuAllocations, gpuPools, queues, runs } from "@/server/db/schema";
import { runCost } from "./costs";

/**
 * Where a GPU job stands with the scheduler: its queue, place and why it waits, the pool it
 * holds GPUs in, who preempted it last, and what it has cost so far. Null for unscheduled runs.
 */
export async function runScheduling(db: DbOrTx, orgId: string, runId: string) {
  const [row] = await db.select({
    queueId: runs.queueId, queue: queues.name, priority: runs.priority, gpus: runs.gpus, status: runs.status,
    position: runs.queuePosition, pendingReason: runs.pendingReason, preemptedBy: runs.preemptedBy, preemptions: runs.preemptions,
  }).from(runs).leftJoin(queues, eq(queues.id, runs.queueId)).where(and(eq(runs.id, runId), eq(runs.orgId, orgId)));
  if (!row) return null;
  const cost = await runCost(db, orgId, runId);
  if (!row.queueId && !cost) return null;
  const [held] = await db.select({ pool: gpuPools.name, since: gpuAllocations.startedAt, endedAt: gpuAllocations.endedAt, borrowing: gpuAllocations.borrowing })
    .from(gpuAllocations).leftJoin(gpuPools, eq(gpuPools.id, gpuAllocations.poolId))
    .where(and(eq(gpuAllocations.runId, runId), eq(gpuAllocations.orgId, orgId))).orderBy(desc(gpuAllocations.startedAt)).limit(1);
  const [by] = row.preemptedBy ? await db.select({ id: runs.id, name: runs.name }).from(runs).where(and(eq(runs.id, row.preemptedBy), eq(runs.orgId, orgId))) : [];
  const admitted = Boolean(held && !held.endedAt);
  const waiting = row.status === "QUEUED" && !admitted && row.queueId !== null;
  return {
    queue: row.queue, priority: row.priority, gpus: row.gpus,
    position: waiting ? row.position : null,
    pendingReason: waiting ? (row.pendingReason ?? "waiting for the scheduler's next pass") : null,
    pool: admitted ? held!.pool : null, admittedAt: admitted ? held!.since : null, borrowing: admitted ? held!.borrowing : false,
    preemptedBy: by ?? null, preemptions: row.preemptions,
    gpuHours: cost?.gpuHours ?? 0, cost: cost?.cost ?? 0,
  };
}
export type RunScheduling = NonNullable<Awaited<ReturnType<typeof runScheduling>>>;
