import { describe, expect, it } from "vitest";
import { nextAfterEvaluation } from "./stopping";

const task = (over: Partial<Parameters<typeof nextAfterEvaluation>[0]> = {}) => ({ mode: "CONTINUOUS", currentIteration: 2, maxIterations: 5, performanceThreshold: 0.9, desiredState: "RUN", ...over });

describe("when a task stops after an evaluation", () => {
  it("a standard task completes after its one iteration", () => {
    expect(nextAfterEvaluation(task({ mode: "STANDARD", currentIteration: 1, maxIterations: 1 }), 0.5, 0.5)).toMatchObject({ to: "COMPLETED", stopReason: "a standard task runs one iteration; score 0.5" });
  });
  it("the threshold stops it, reached or passed, not before", () => {
    expect(nextAfterEvaluation(task(), 0.9, 0.9)).toMatchObject({ to: "COMPLETED", stopReason: "score 0.9 reached the threshold 0.9 in iteration 2" });
    expect(nextAfterEvaluation(task(), 0.89999, 0.89999).to).toBe("LOOPING");
  });
  it("maxIterations stops it, with the best score and the missed threshold", () => {
    expect(nextAfterEvaluation(task({ currentIteration: 5 }), 0.8, 0.85)).toMatchObject({ to: "COMPLETED", stopReason: "5 of 5 iterations run; best score 0.85 (threshold 0.9 not reached)" });
    expect(nextAfterEvaluation(task({ currentIteration: 5, performanceThreshold: null }), 0.8, 0.85).stopReason).toBe("5 of 5 iterations run; best score 0.85");
  });
  it("otherwise it loops, also when a cancel waits (it lands between iterations)", () => {
    expect(nextAfterEvaluation(task(), 0.5, 0.5)).toMatchObject({ to: "LOOPING", stopReason: null });
    expect(nextAfterEvaluation(task({ desiredState: "CANCEL" }), 0.5, 0.5)).toMatchObject({ to: "LOOPING", message: "Iteration 2 scored 0.5; cancelling" });
  });
});
