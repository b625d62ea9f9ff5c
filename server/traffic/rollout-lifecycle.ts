import { sql } from "drizzle-orm";
import { serviceRollouts } from "@/server/db/schema";
import { defineLifecycle } from "@/server/runner/lifecycle";

/**
 * A rollout PROGRESSES through its steps (the runner analyses each), may be PAUSED by a person,
 * and ends PROMOTED (the candidate has all the traffic; the baseline is removed) or ROLLED_BACK
 * (the baseline has it again; the candidate is removed), by analysis or by hand.
 */
export const rolloutLifecycle = defineLifecycle({
  name: "service_rollout",
  table: serviceRollouts,
  statuses: ["PROGRESSING", "PAUSED", "PROMOTED", "ROLLED_BACK"],
  initial: "PROGRESSING",
  transitions: {
    PROGRESSING: ["PAUSED", "PROMOTED", "ROLLED_BACK"],
    PAUSED: ["PROGRESSING", "PROMOTED", "ROLLED_BACK"],
    PROMOTED: [],
    ROLLED_BACK: [],
  },
  terminal: ["PROMOTED", "ROLLED_BACK"],
  enterColumns: (to) => (to === "PROMOTED" || to === "ROLLED_BACK" ? { finishedAt: sql`now()` } : {}),
});

export type RolloutStatus = (typeof rolloutLifecycle.statuses)[number];
export type Rollout = typeof serviceRollouts.$inferSelect;
