import { describe, expect, it } from "vitest";
import { resumeRequest, suspendRequest, taskLifecycle } from "./task-lifecycle";

/** PRODUCT.md P2, row by row: the table and nothing else (plus suspending a running phase). */
const TABLE: Record<string, string[]> = {
  PENDING: ["OPTIMIZING", "CANCELLED"],
  OPTIMIZING: ["TRAINING", "FAILED", "CANCELLED"],
  TRAINING: ["EVALUATING", "FAILED", "CANCELLED"],
  EVALUATING: ["COMPLETED", "LOOPING", "FAILED"],
  LOOPING: ["OPTIMIZING", "COMPLETED", "CANCELLED"],
  SUSPENDED: ["OPTIMIZING", "TRAINING", "EVALUATING"],
  COMPLETED: [], FAILED: [], CANCELLED: [],
};

describe("the task state machine", () => {
  it("allows exactly the table's transitions, and suspending from each running phase", () => {
    const expected = Object.entries(TABLE).flatMap(([from, tos]) => tos.map((to) => `${from}→${to}`));
    const suspend = ["OPTIMIZING", "TRAINING", "EVALUATING"].map((p) => `${p}→SUSPENDED`);
    expect(taskLifecycle.pairs().map(([a, b]) => `${a}→${b}`).sort()).toEqual([...expected, ...suspend].sort());
    for (const from of taskLifecycle.statuses) for (const to of taskLifecycle.statuses) {
      expect(taskLifecycle.canTransition(from, to), `${from}→${to}`).toBe([...expected, ...suspend].includes(`${from}→${to}`));
    }
    expect(taskLifecycle.terminal).toEqual(["COMPLETED", "FAILED", "CANCELLED"]);
  });

  it("a suspended task resumes into the phase it left, and nowhere else", () => {
    expect(suspendRequest("TRAINING")).toMatchObject({ from: "TRAINING", to: "SUSPENDED", set: { suspendedFrom: "TRAINING" } });
    expect(resumeRequest("TRAINING")).toMatchObject({ from: "SUSPENDED", to: "TRAINING" });
    expect(() => resumeRequest(null)).toThrow(/remember its phase/);
    expect(() => resumeRequest("LOOPING")).toThrow(/remember its phase/);
  });
});
