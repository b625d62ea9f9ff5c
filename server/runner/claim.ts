import { and, eq, sql } from "drizzle-orm";
import type { DbOrTx } from "@/server/db/client";
import { runs } from "@/server/db/schema";

export type ClaimedRun = typeof runs.$inferSelect;

/**
 * Claims due runs with a lease (all time from the database clock). SKIP LOCKED keeps two runners
 * off the same row; the version bump makes every later write of a stale holder fail its CAS.
 */
export async function claimDueRuns(db: DbOrTx, owner: string, leaseSeconds: number, limit: number): Promise<ClaimedRun[]> {
  const rows = await db.execute(sql`
    update runs r set lease_owner = ${owner},
                      lease_expires_at = now() + make_interval(secs => ${leaseSeconds}),
                      version = r.version + 1
    where r.id in (
      select id from runs
      where status in ('QUEUED', 'STARTING', 'RUNNING') and executor <> 'none'
        and next_check_at <= now()
        and (lease_expires_at is null or lease_expires_at < now())
      order by seq
      limit ${limit}
      for update skip locked)
    returning r.id`);
  const ids = (rows as unknown as Array<{ id: string }>).map((r) => r.id);
  if (ids.length === 0) return [];
  return db.select().from(runs).where(and(sql`${runs.id} in ${ids}`, eq(runs.leaseOwner, owner)));
}

/** Hands the run back until its next check; a no-op for a holder that has been fenced off. */
export async function releaseRun(db: DbOrTx, run: { id: string; version: number }, owner: string, delayMs: number, statusMessage?: string | null) {
  await db.update(runs)
    .set({
      leaseOwner: null, leaseExpiresAt: null,
      nextCheckAt: sql`now() + make_interval(secs => ${delayMs / 1000})`,
      ...(statusMessage !== undefined ? { statusMessage } : {}),
    })
    .where(and(eq(runs.id, run.id), eq(runs.version, run.version), eq(runs.leaseOwner, owner)));
}

/** Graceful shutdown: give held runs back at once so another runner adopts them without waiting. */
export async function releaseAllLeases(db: DbOrTx, owner: string) {
  await db.update(runs).set({ leaseOwner: null, leaseExpiresAt: null, nextCheckAt: sql`now()` }).where(eq(runs.leaseOwner, owner));
}
