import { sql } from "drizzle-orm";
import { runs } from "@/server/db/schema";
import { releaseAllocation } from "@/server/scheduling/allocations";
import { expireRunTokens } from "@/server/tracking/run-tokens";
import { defineLifecycle } from "./lifecycle";

/**
 * The run lifecycle. STARTING = intent recorded (the attempt's remote id is written before the
 * executor is called); back to QUEUED = a retry under a new attempt, after a job was lost or
 * failed and its retry policy allows another attempt. Runs logged from outside (SDKs, MLflow
 * clients) go QUEUED → RUNNING at once; CRASHED = their client stopped sending heartbeats, and
 * it comes back to RUNNING if the client does.
 */
const TERMINAL = ["SUCCEEDED", "FAILED", "CANCELLED"] as const;
const ended = (status: string) => (TERMINAL as readonly string[]).includes(status);

export const runLifecycle = defineLifecycle({
  name: "run",
  table: runs,
  statuses: ["QUEUED", "STARTING", "RUNNING", "CRASHED", "SUCCEEDED", "FAILED", "CANCELLED"],
  initial: "QUEUED",
  transitions: {
    // FAILED straight from QUEUED: the spec can't be submitted at all (unknown executor, bad command).
    QUEUED: ["STARTING", "RUNNING", "CANCELLED", "FAILED"],
    // SUCCEEDED/FAILED straight from STARTING: the job ended before a runner saw it running.
    STARTING: ["RUNNING", "SUCCEEDED", "FAILED", "CANCELLED", "QUEUED"],
    RUNNING: ["SUCCEEDED", "FAILED", "CANCELLED", "QUEUED", "CRASHED"],
    CRASHED: ["RUNNING", "SUCCEEDED", "FAILED", "CANCELLED"],
    SUCCEEDED: [],
    FAILED: [],
    CANCELLED: [],
  },
  terminal: TERMINAL,
  enterColumns: (to) => {
    if (to === "RUNNING") return { startedAt: sql`coalesce(${runs.startedAt}, now())` };
    if (ended(to)) return { finishedAt: sql`now()` };
    return {};
  },
  onEnter: async (tx, { row, from, to }) => {
    // A finished run's token dies with it; a retry gets a fresh one for its new attempt. Its
    // GPUs go back to the pool in the same transaction: admission never counts a stopped job.
    if (from !== null && (ended(to) || to === "QUEUED")) {
      await expireRunTokens(tx, row.id);
      await releaseAllocation(tx, row.id);
    }
  },
});

export type RunStatus = (typeof runLifecycle.statuses)[number];
export const RUN_STATUSES = runLifecycle.statuses;
export const isTerminal = runLifecycle.isTerminal;
