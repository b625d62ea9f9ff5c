import { inArray, sql } from "drizzle-orm";
import type { DbOrTx } from "@/server/db/client";
import { signInThrottle } from "@/server/db/schema";

/**
 * Throttles password guessing, in PostgreSQL so every app instance sees the same counts:
 * 5 failures for one account, or 20 from one address, within 15 minutes lock that account or
 * address out for 15 minutes. Counted whether or not the account exists, so the lock-out does
 * not tell which addresses have accounts.
 */
export const THROTTLE = {
  windowMinutes: 15,
  lockMinutes: 15,
  perAccount: 5,
  perAddress: 20,
} as const;

export type ThrottleKeys = { account: string; address: string | null };

const keysOf = (k: ThrottleKeys) => [`account:${k.account.toLowerCase()}`, ...(k.address ? [`address:${k.address}`] : [])];

/** Minutes until sign-in is allowed again for this account or address; 0 when it is allowed. */
export async function lockedMinutes(db: DbOrTx, keys: ThrottleKeys): Promise<number> {
  const rows = await db.select({ wait: sql<number>`ceil(extract(epoch from (${signInThrottle.lockedUntil} - now())) / 60)::int` })
    .from(signInThrottle)
    .where(sql`${inArray(signInThrottle.key, keysOf(keys))} and ${signInThrottle.lockedUntil} > now()`);
  return rows.reduce((max, r) => Math.max(max, r.wait), 0);
}

export async function recordFailedSignIn(db: DbOrTx, keys: ThrottleKeys): Promise<void> {
  for (const key of keysOf(keys)) {
    const limit = key.startsWith("account:") ? THROTTLE.perAccount : THROTTLE.perAddress;
    // One statement: start a new window when the old one is over, count, lock at the limit.
    await db.execute(sql`
      insert into sign_in_throttle as t (key, failures, window_started_at)
      values (${key}, 1, now())
      on conflict (key) do update set
        failures = case when t.window_started_at < now() - make_interval(mins => ${THROTTLE.windowMinutes}) then 1 else t.failures + 1 end,
        window_started_at = case when t.window_started_at < now() - make_interval(mins => ${THROTTLE.windowMinutes}) then now() else t.window_started_at end,
        locked_until = case
          when (case when t.window_started_at < now() - make_interval(mins => ${THROTTLE.windowMinutes}) then 1 else t.failures + 1 end) >= ${limit}
          then now() + make_interval(mins => ${THROTTLE.lockMinutes}) else t.locked_until end`);
  }
}

/** A successful sign-in clears the account's count (not the address's: one success proves little). */
export async function recordSuccessfulSignIn(db: DbOrTx, keys: ThrottleKeys): Promise<void> {
  await db.delete(signInThrottle).where(inArray(signInThrottle.key, [`account:${keys.account.toLowerCase()}`]));
}
