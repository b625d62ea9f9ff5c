import { bigint, pgEnum, text, timestamp } from "drizzle-orm/pg-core";

export const desiredStateEnum = pgEnum("desired_state", ["RUN", "CANCEL", "PREEMPT"]);

/**
 * The columns a table needs to be driven by the runner as a lifecycle (server/runner/lifecycle.ts),
 * under the names LifecycleColumns expects. Spread into the table: runs, sweeps, and what comes next.
 */
export function lifecycleColumns() {
  return {
    /** One of the lifecycle's statuses; written only by its transition(). */
    status: text("status").notNull(),
    /** What the user wants (Kubernetes spec vs status): the runner drives status towards it. */
    desiredState: desiredStateEnum("desired_state").notNull().default("RUN"),
    /** Fencing token: bumped by every claim and every transition. */
    version: bigint("version", { mode: "number" }).notNull().default(0),
    leaseOwner: text("lease_owner"),
    leaseExpiresAt: timestamp("lease_expires_at", { withTimezone: true }),
    /** When a runner should look at the row next; null when no runner has anything to do. */
    nextCheckAt: timestamp("next_check_at", { withTimezone: true }).defaultNow(),
  };
}
