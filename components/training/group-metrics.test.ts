import { describe, expect, it } from "vitest";
import { groupMetricSeries, splitSystemSeries } from "./group-metrics";

const s = (key: string) => ({ runId: "r1", key, points: [{ step: 1, time: 0, min: 1, max: 1, last: 1 }] });

describe("groupMetricSeries", () => {
  it("overlays splits of the same metric and sorts charts by name", () => {
    const groups = groupMetricSeries([s("val/loss"), s("train/accuracy"), s("train/loss"), s("lr")]);
    expect(groups.map((g) => g.title)).toEqual(["accuracy", "loss", "lr"]);
    expect(groups[1].series.map((x) => x.runName)).toEqual(["train/loss", "val/loss"]);
  });
  it("returns nothing for no series", () => expect(groupMetricSeries([])).toEqual([]));
  it("keeps system metrics apart from logged ones", () => {
    const { logged, system } = splitSystemSeries([s("loss"), s("system/cpu_utilization_percentage"), s("val/systemic")]);
    expect(logged.map((x) => x.key)).toEqual(["loss", "val/systemic"]);
    expect(system.map((x) => x.key)).toEqual(["system/cpu_utilization_percentage"]);
  });
});
