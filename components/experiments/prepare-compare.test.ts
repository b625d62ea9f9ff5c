import { describe, expect, it } from "vitest";
import { defaultAxisKeys, position, prepareParallel, prepareScatter, runRows } from "./prepare-compare";

const rows = runRows(
  [{ id: "a", name: "run-a" }, { id: "b", name: "run-b" }, { id: "c", name: "run-c" }],
  [
    { run_id: "a", key: "lr", value: "0.1" }, { run_id: "b", key: "lr", value: "0.01" }, { run_id: "c", key: "lr", value: "0.001" },
    { run_id: "a", key: "opt", value: "sgd" }, { run_id: "b", key: "opt", value: "adam" }, { run_id: "c", key: "opt", value: "adam" },
    { run_id: "a", key: "batch", value: "32" }, { run_id: "b", key: "batch", value: "32" }, { run_id: "c", key: "batch", value: "32" },
  ],
  [{ run_id: "a", key: "loss", value: 0.5 }, { run_id: "b", key: "loss", value: 0.1 }, { run_id: "c", key: "system/cpu", value: 10 }],
);

describe("compare preparation", () => {
  it("puts differing params then metrics on the axes, leaving constant params and system metrics out", () => {
    expect(defaultAxisKeys(rows)).toEqual(["params.lr", "params.opt", "metrics.loss"]);
  });

  it("scales numbers between their min and max, categories by their sorted order, and leaves gaps for missing values", () => {
    const { axes, lines } = prepareParallel(rows, ["params.lr", "params.opt", "metrics.loss"]);
    expect(axes.map((a) => a.kind)).toEqual(["number", "category", "number"]);
    expect(axes[1].categories).toEqual(["adam", "sgd"]);
    const a = lines.find((l) => l.runId === "a")!;
    expect(a.ys).toEqual([1, 1, 1]);
    expect(a.colour).toBe(1);
    const b = lines.find((l) => l.runId === "b")!;
    expect(b.ys[0]).toBeCloseTo((0.01 - 0.001) / (0.1 - 0.001));
    expect(b.ys.slice(1)).toEqual([0, 0]);
    expect(lines.find((l) => l.runId === "c")!.ys[2]).toBeNull();
  });

  it("puts a flat axis in the middle", () => {
    const { axes } = prepareParallel(rows, ["params.batch"]);
    expect(position(axes[0], "32")).toBe(0.5);
  });

  it("plots a param against a metric, skipping runs without both, with category labels", () => {
    const numeric = prepareScatter(rows, "params.lr", "metrics.loss");
    expect(numeric.points).toEqual([{ runId: "a", name: "run-a", x: 0.1, y: 0.5 }, { runId: "b", name: "run-b", x: 0.01, y: 0.1 }]);
    expect(numeric.skipped).toBe(1);
    expect(numeric.xCategories).toBeNull();
    const categorical = prepareScatter(rows, "params.opt", "metrics.loss");
    expect(categorical.xCategories).toEqual(["adam", "sgd"]);
    expect(categorical.points.map((p) => p.x)).toEqual([1, 0]);
  });
});
