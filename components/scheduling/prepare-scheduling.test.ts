import { describe, expect, it } from "vitest";
import { averageUtilisation, utilisationSeries } from "./prepare-scheduling";

const H = 3_600_000;

describe("utilisationSeries", () => {
  it("weights each job by the time it held its GPUs in each slice", () => {
    const series = utilisationSeries([
      { gpus: 4, start: new Date(0), end: new Date(H / 2) }, // half of the first hour
      { gpus: 2, start: new Date(H), end: null }, // from the second hour on, still held
      { gpus: 8, start: new Date(-5 * H), end: new Date(-H) }, // before the window
    ], 0, 3 * H, 3);
    expect(series).toEqual([{ t: 0, gpus: 2 }, { t: H, gpus: 2 }, { t: 2 * H, gpus: 2 }]);
    expect(averageUtilisation(series, 8)).toBeCloseTo(0.25);
  });

  it("splits a job across the slices it spans and clips it to the window", () => {
    const series = utilisationSeries([{ gpus: 3, start: new Date(-H), end: new Date(1.5 * H) }], 0, 2 * H, 4);
    expect(series.map((b) => b.gpus)).toEqual([3, 3, 3, 0]);
    expect(averageUtilisation([], 8)).toBe(0);
  });
});
