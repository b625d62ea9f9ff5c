import { and, eq, inArray, sql, type SQL } from "drizzle-orm";
import type { DbOrTx } from "@/server/db/client";
import type { ColumnValues, LifecycleTable } from "./lifecycle-table";

/**
 * Leases on a lifecycle's rows (reference/jobs-reliability.md §4.3): a runner claims due rows
 * for a while, all time from the database clock. SKIP LOCKED keeps two runners off one row; the
 * version bump of every claim makes any later write of a stale holder fail its compare-and-set.
 */
export interface Leases<T extends LifecycleTable> {
  /** Claims up to `limit` active rows that are due and not leased; `where` narrows (placement, …). */
  claimDue(db: DbOrTx, opts: { owner: string; leaseSeconds: number; limit: number; where?: SQL }): Promise<Array<T["$inferSelect"]>>;
  /**
   * Extends the leases `owner` still holds; returns their ids. A missing id was taken over or
   * revoked (cancel): its work must stop. The owner, not the version, is checked, because the
   * holder's own transitions bump the version while it works.
   */
  renewLeases(db: DbOrTx, owner: string, ids: string[], leaseSeconds: number): Promise<Set<string>>;
  /** Hands a row back until its next check; a no-op for a holder that has been fenced off. */
  release(db: DbOrTx, held: { id: string; version: number }, owner: string, delayMs: number, set?: ColumnValues<T>): Promise<void>;
  /** Graceful shutdown: give held rows back at once so another runner adopts them without waiting. */
  releaseAll(db: DbOrTx, owner: string): Promise<void>;
}

export function createLeases<T extends LifecycleTable>(table: T, active: readonly string[]): Leases<T> {
  return {
    async claimDue(db, { owner, leaseSeconds, limit, where }) {
      const rows = await db.execute(sql`
        update ${table} set lease_owner = ${owner},
                            lease_expires_at = now() + make_interval(secs => ${leaseSeconds}),
                            version = version + 1
        where id in (
          select id from ${table}
          where status in ${active} and next_check_at <= now()
            and (lease_expires_at is null or lease_expires_at < now())
            ${where ? sql`and (${where})` : sql``}
          order by seq
          limit ${limit}
          for update skip locked)
        returning id`);
      const ids = (rows as unknown as Array<{ id: string }>).map((r) => r.id);
      if (ids.length === 0) return [];
      return (await db.select().from(table as never).where(and(inArray(table.id, ids), eq(table.leaseOwner, owner)))) as Array<T["$inferSelect"]>;
    },

    async renewLeases(db, owner, ids, leaseSeconds) {
      if (ids.length === 0) return new Set();
      const rows = await db.update(table)
        .set({ leaseExpiresAt: sql`now() + make_interval(secs => ${leaseSeconds})` } as never)
        .where(and(inArray(table.id, ids), eq(table.leaseOwner, owner)))
        .returning({ id: table.id });
      return new Set((rows as Array<{ id: string }>).map((r) => r.id));
    },

    async release(db, held, owner, delayMs, set = {}) {
      await db.update(table)
        .set({ nextCheckAt: sql`now() + make_interval(secs => ${delayMs / 1000})`, ...set, leaseOwner: null, leaseExpiresAt: null } as never)
        .where(and(eq(table.id, held.id), eq(table.version, held.version), eq(table.leaseOwner, owner)));
    },

    async releaseAll(db, owner) {
      await db.update(table).set({ leaseOwner: null, leaseExpiresAt: null, nextCheckAt: sql`now()` } as never)
        .where(and(eq(table.leaseOwner, owner), sql`${table.status} in ${active}`));
    },
  };
}
