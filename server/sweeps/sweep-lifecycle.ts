import { sql } from "drizzle-orm";
import { sweeps } from "@/server/db/schema";
import { defineLifecycle } from "@/server/runner/lifecycle";

/**
 * A sweep runs until its trial budget is spent (SUCCEEDED), it is stopped (CANCELLED), or no
 * trial can be submitted or every trial failed (FAILED).
 */
const TERMINAL = ["SUCCEEDED", "FAILED", "CANCELLED"] as const;

export const sweepLifecycle = defineLifecycle({
  name: "sweep",
  table: sweeps,
  statuses: ["RUNNING", "SUCCEEDED", "FAILED", "CANCELLED"],
  initial: "RUNNING",
  transitions: { RUNNING: ["SUCCEEDED", "FAILED", "CANCELLED"], SUCCEEDED: [], FAILED: [], CANCELLED: [] },
  terminal: TERMINAL,
  enterColumns: (to) => ((TERMINAL as readonly string[]).includes(to) ? { finishedAt: sql`now()` } : {}),
});

export type SweepStatus = (typeof sweepLifecycle.statuses)[number];
