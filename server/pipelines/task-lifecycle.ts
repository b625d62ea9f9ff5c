import { sql } from "drizzle-orm";
import { pipelineTasks } from "@/server/db/schema";
import { defineLifecycle } from "@/server/runner/lifecycle";

/**
 * The task state machine, exactly PRODUCT.md's table: PENDING → OPTIMIZING → TRAINING →
 * EVALUATING → COMPLETED, or LOOPING → OPTIMIZING for the next iteration of a continuous task.
 * A running phase may be suspended; SUSPENDED goes back only to the phase it left (the
 * transition's guard checks `suspended_from`, and a CHECK constraint keeps it set while
 * suspended). Illegal pairs are refused by `transition()` and by the database (every
 * transition row must reference an allowed pair).
 */
export const PHASES = ["OPTIMIZING", "TRAINING", "EVALUATING"] as const;
export type Phase = (typeof PHASES)[number];
const TERMINAL = ["COMPLETED", "FAILED", "CANCELLED"] as const;

export const taskLifecycle = defineLifecycle({
  name: "pipeline_task",
  table: pipelineTasks,
  statuses: ["PENDING", "OPTIMIZING", "TRAINING", "EVALUATING", "LOOPING", "SUSPENDED", "COMPLETED", "FAILED", "CANCELLED"],
  initial: "PENDING",
  transitions: {
    PENDING: ["OPTIMIZING", "CANCELLED"],
    OPTIMIZING: ["TRAINING", "FAILED", "CANCELLED", "SUSPENDED"],
    TRAINING: ["EVALUATING", "FAILED", "CANCELLED", "SUSPENDED"],
    EVALUATING: ["COMPLETED", "LOOPING", "FAILED", "SUSPENDED"],
    LOOPING: ["OPTIMIZING", "COMPLETED", "CANCELLED"],
    SUSPENDED: ["OPTIMIZING", "TRAINING", "EVALUATING"],
    COMPLETED: [],
    FAILED: [],
    CANCELLED: [],
  },
  terminal: TERMINAL,
  enterColumns: (to) => {
    if (to === "OPTIMIZING") return { startedAt: sql`coalesce(${pipelineTasks.startedAt}, now())`, suspendedFrom: null };
    if ((PHASES as readonly string[]).includes(to)) return { suspendedFrom: null };
    if ((TERMINAL as readonly string[]).includes(to)) return { finishedAt: sql`now()` };
    return {};
  },
});

export type TaskStatus = (typeof taskLifecycle.statuses)[number];

export const isPhase = (s: string): s is Phase => (PHASES as readonly string[]).includes(s);

/** What suspending a task writes: the phase to come back to. */
export function suspendRequest(from: Phase) {
  return { from, to: "SUSPENDED" as const, set: { suspendedFrom: from } };
}

/** Resuming goes back to the phase the task left, and only there. */
export function resumeRequest(suspendedFrom: string | null) {
  if (!suspendedFrom || !isPhase(suspendedFrom)) throw new Error(`a suspended task must remember its phase (got ${suspendedFrom})`);
  return { from: "SUSPENDED" as const, to: suspendedFrom, guard: sql`${pipelineTasks.suspendedFrom} = ${suspendedFrom}` };
}
