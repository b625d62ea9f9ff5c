import { describe, expect, it } from "vitest";
import { taskLifecycle } from "@/server/pipelines/task-lifecycle";
import { clipToBox, EDGES, NODE, prepareScores, prepareStateDiagram } from "./prepare-pipeline";

describe("the task's state diagram", () => {
  it("draws exactly the state machine's transitions", () => {
    expect(EDGES.map(([a, b]) => `${a}>${b}`).sort()).toEqual(taskLifecycle.pairs().map(([a, b]) => `${a}>${b}`).sort());
  });
  it("lights the current state, marks visited ones and counts transitions taken (the loop twice)", () => {
    const history = [null, "PENDING", "OPTIMIZING", "TRAINING", "EVALUATING", "LOOPING", "OPTIMIZING", "TRAINING", "EVALUATING", "LOOPING", "OPTIMIZING"]
      .slice(1).map((to, i, all) => ({ from: i === 0 ? null : all[i - 1], to: to! }));
    const d = prepareStateDiagram("OPTIMIZING", history);
    expect(d.nodes.filter((n) => n.current).map((n) => n.status)).toEqual(["OPTIMIZING"]);
    expect(d.nodes.find((n) => n.status === "COMPLETED")!.visited).toBe(false);
    expect(d.nodes.find((n) => n.status === "LOOPING")!.visited).toBe(true);
    expect(d.edges.find((e) => e.from === "LOOPING" && e.to === "OPTIMIZING")!.taken).toBe(2);
    expect(d.edges.find((e) => e.from === "PENDING" && e.to === "OPTIMIZING")!.taken).toBe(1);
    expect(d.edges.find((e) => e.to === "FAILED")!.taken).toBe(0);
  });
  it("starts and ends edges on the boxes' borders", () => {
    expect(clipToBox(0, 0, 100, 0)).toEqual([NODE.w / 2, 0]);
    expect(clipToBox(0, 0, 0, -100)).toEqual([0, -NODE.h / 2]);
    const [x, y] = clipToBox(0, 0, 100, 100);
    expect(Math.abs(y)).toBeCloseTo(NODE.h / 2);
    expect(x).toBeCloseTo(NODE.h / 2);
  });
  it("the score chart carries the best score so far", () => {
    expect(prepareScores([{ iteration: 1, score: 0.8 }, { iteration: 2, score: 0.7 }, { iteration: 3, score: 0.9 }]).map((p) => p.best)).toEqual([0.8, 0.8, 0.9]);
  });
});
