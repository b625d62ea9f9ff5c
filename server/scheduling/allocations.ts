import { and, eq, isNull, sql } from "drizzle-orm";
import type { DbOrTx } from "@/server/db/client";
import { gpuAllocations } from "@/server/db/schema";

/** Everything the job asks for, driver and workers: what a queue's quota is charged. */
export function jobGpus(input: { resources?: { gpuCount?: number }; distributed?: { workers: number; gpusPerWorker?: number } }): number {
  const d = input.distributed;
  return d ? d.workers * (d.gpusPerWorker ?? 0) : (input.resources?.gpuCount ?? 0);
}

/** The run's GPUs go back to its pool: in the transaction that moves it out of its attempt. */
export async function releaseAllocation(tx: DbOrTx, runId: string): Promise<void> {
  await tx.update(gpuAllocations).set({ endedAt: sql`now()` }).where(and(eq(gpuAllocations.runId, runId), isNull(gpuAllocations.endedAt)));
}

/** Held by a run that has ended anyway (a path that missed the release): returned, level-triggered. */
export async function releaseEndedRuns(tx: DbOrTx): Promise<number> {
  const rows = await tx.execute(sql`update gpu_allocations a set ended_at = now() from runs r
    where a.ended_at is null and r.id = a.run_id and r.status in ('SUCCEEDED','FAILED','CANCELLED') returning a.id`);
  return rows.length;
}
