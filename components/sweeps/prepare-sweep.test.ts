import { describe, expect, it } from "vitest";
import { parallelRows, preparePareto, prepareProgress, type TrialLike } from "./prepare-sweep";

const trial = (number: number, status: string, objectives: Array<number | null>, params = { lr: number / 10 }): TrialLike => ({ number, name: `s #${number}`, id: `id${number}`, status, objectives, params });

describe("sweep charts", () => {
  it("tracks the best finished value so far, ignoring running and failed trials", () => {
    const trials = [trial(1, "SUCCEEDED", [0.5]), trial(2, "FAILED", [0.1]), trial(3, "SUCCEEDED", [0.7]), trial(4, "SUCCEEDED", [0.3]), trial(5, "RUNNING", [0.05])];
    expect(prepareProgress(trials, "minimize").map((p) => [p.value, p.best])).toEqual([[0.5, 0.5], [null, 0.5], [0.7, 0.5], [0.3, 0.3], [null, 0.3]]);
    expect(prepareProgress(trials, "maximize").map((p) => p.best)).toEqual([0.5, 0.5, 0.7, 0.7, 0.7]);
  });

  it("marks the Pareto front for either goal on each axis", () => {
    const trials = [trial(1, "SUCCEEDED", [1, 5]), trial(2, "SUCCEEDED", [2, 3]), trial(3, "SUCCEEDED", [3, 1]), trial(4, "SUCCEEDED", [3, 4]), trial(5, "SUCCEEDED", [2, null])];
    expect(preparePareto(trials, ["minimize", "minimize"]).front.map((p) => p.name)).toEqual(["s #1", "s #2", "s #3"]);
    // Accuracy up, latency down: (3, 1) has the most accuracy and the least latency.
    expect(preparePareto(trials, ["maximize", "minimize"]).front.map((p) => p.name)).toEqual(["s #3"]);
    expect(preparePareto(trials, ["minimize", "minimize"]).points).toHaveLength(4);
  });

  it("gives the parallel-coordinates plot params and objectives of finished trials", () => {
    expect(parallelRows([trial(1, "SUCCEEDED", [0.5]), trial(2, "RUNNING", [0.4])], ["val/loss"])).toEqual([{ runId: "id1", name: "s #1", values: { "params.lr": 0.1, "metrics.val/loss": 0.5 } }]);
  });
});
