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

/**
 * Counts a sign-in attempt before the password is checked, so parallel guesses cannot all slip
 * past the limit: each one is counted atomically, and the attempt over the limit is refused.
 * Returns the minutes to wait (0: go ahead and check the password).
 */
export async function countSignInAttempt(db: DbOrTx, keys: ThrottleKeys): Promise<number> {
  let wait = 0;
  for (const key of keysOf(keys)) {
    const limit = key.startsWith("account:") ? THROTTLE.perAccount : THROTTLE.perAddress;
    // One statement: count; start a new window only when the old one is over and no lock holds;
    // lock at the limit. A lock outlives its window: it ends when it says it does.
    const fresh = sql`(t.window_started_at < now() - make_interval(mins => ${THROTTLE.windowMinutes}) and (t.locked_until is null or t.locked_until <= now()))`;
    const [row] = (await db.execute(sql`
      insert into sign_in_throttle as t (key, failures, window_started_at)
      values (${key}, 1, now())
      on conflict (key) do update set
        failures = case when ${fresh} then 1 else t.failures + 1 end,
        window_started_at = case when ${fresh} then now() else t.window_started_at end,
        locked_until = case
          when (case when ${fresh} then 1 else t.failures + 1 end) >= ${limit}
          then greatest(t.locked_until, now() + make_interval(mins => ${THROTTLE.lockMinutes})) else t.locked_until end
      returning failures, ceil(extract(epoch from (locked_until - now())) / 60)::int as wait`)) as unknown as Array<{ failures: number; wait: number | null }>;
    if (row.failures > limit && (row.wait ?? 0) > 0) wait = Math.max(wait, row.wait ?? 0);
  }
  return wait;
}

/** A right password: the account's count starts over, and this attempt no longer counts for the address. */
export async function recordSuccessfulSignIn(db: DbOrTx, keys: ThrottleKeys): Promise<void> {
  await db.delete(signInThrottle).where(inArray(signInThrottle.key, [`account:${keys.account.toLowerCase()}`]));
  if (keys.address) {
    await db.execute(sql`update sign_in_throttle set failures = greatest(failures - 1, 0) where key = ${`address:${keys.address}`}`);
  }
}
