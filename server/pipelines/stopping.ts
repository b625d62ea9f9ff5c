import type { TaskStatus } from "./task-lifecycle";

const fmt = (v: number) => String(Math.round(v * 1e4) / 1e4);

/**
 * After an evaluation: stop (COMPLETED, with the reason recorded) or loop. A standard task
 * runs once; a continuous one stops when the score reaches the threshold or at maxIterations.
 * A pending cancel loops, so the cancel lands between iterations as the state machine has it.
 */
export function nextAfterEvaluation(
  task: { mode: string; currentIteration: number; maxIterations: number; performanceThreshold: number | null; desiredState: string },
  score: number, bestScore: number,
): { to: TaskStatus; stopReason: string | null; message: string } {
  const it = task.currentIteration;
  const threshold = task.performanceThreshold;
  const done = (stopReason: string) => ({ to: "COMPLETED" as const, stopReason, message: `Completed: ${stopReason}` });
  if (task.mode === "STANDARD") return done(`a standard task runs one iteration; score ${fmt(score)}`);
  if (threshold !== null && score >= threshold) return done(`score ${fmt(score)} reached the threshold ${fmt(threshold)} in iteration ${it}`);
  if (it >= task.maxIterations) {
    return done(`${it} of ${task.maxIterations} iterations run; best score ${fmt(bestScore)}${threshold !== null ? ` (threshold ${fmt(threshold)} not reached)` : ""}`);
  }
  if (task.desiredState === "CANCEL") return { to: "LOOPING", stopReason: null, message: `Iteration ${it} scored ${fmt(score)}; cancelling` };
  return { to: "LOOPING", stopReason: null, message: `Iteration ${it} scored ${fmt(score)}; next iteration` };
}
