import { describe, expect, it } from "vitest";
import {
  CHART_COLORS,
  type MetricPoint,
  type MetricSeries,
  pointsAt,
  prepareLineChart,
  rowsForLine,
  smoothEma,
} from "./prepare-line-chart";

const linear = { x: "step", smoothing: 0, logScale: false } as const;

/** A point whose bucket held a single value. */
const pt = (step: number, v: number | null, time = 1_700_000_000_000 + step * 1_000): MetricPoint => ({
  step,
  time,
  min: v,
  max: v,
  last: v,
});

const series = (i: number, points: MetricPoint[], key = "loss"): MetricSeries => ({
  runId: `run-${i}`,
  runName: `Run ${i}`,
  key,
  points,
});

describe("prepareLineChart: empty input", () => {
  it("reports empty with default domains when there are no series", () => {
    const out = prepareLineChart([], linear);
    expect(out).toMatchObject({ rows: [], lines: [], empty: true, plottable: false, xDomain: [0, 1], yDomain: [0, 1] });
  });

  it("creates lines for series without points but stays empty", () => {
    const out = prepareLineChart([series(0, [])], linear);
    expect(out.empty).toBe(true);
    expect(out.lines).toHaveLength(1);
  });
});

describe("prepareLineChart: keys, names and colours", () => {
  it("names lines by run when all series share a metric key, with r<i> / r<i>_band keys", () => {
    const out = prepareLineChart([series(0, [pt(0, 1)]), series(1, [pt(0, 2)])], linear);
    expect(out.lines.map(({ dataKey, bandKey, name, color }) => ({ dataKey, bandKey, name, color }))).toEqual([
      { dataKey: "r0", bandKey: "r0_band", name: "Run 0", color: "var(--chart-1)" },
      { dataKey: "r1", bandKey: "r1_band", name: "Run 1", color: "var(--chart-2)" },
    ]);
  });

  it("names by metric key for a single run, and by both when runs and keys differ", () => {
    const oneRun = prepareLineChart([series(0, [], "loss"), { ...series(0, [], "acc") }], linear);
    expect(oneRun.lines.map((l) => l.name)).toEqual(["loss", "acc"]);
    const mixed = prepareLineChart([series(0, [], "loss"), series(1, [], "acc")], linear);
    expect(mixed.lines.map((l) => l.name)).toEqual(["Run 0 · loss", "Run 1 · acc"]);
  });

  it("cycles through the eight-colour palette", () => {
    const many = Array.from({ length: 10 }, (_, i) => series(i, [pt(0, i)]));
    const colors = prepareLineChart(many, linear).lines.map((l) => l.color);
    expect(colors.slice(0, 8)).toEqual(CHART_COLORS);
    expect(colors[8]).toBe("var(--chart-1)");
    expect(colors[9]).toBe("var(--chart-2)");
  });
});

describe("prepareLineChart: merging and x units", () => {
  const a = series(0, [pt(0, 1), pt(10, 2), pt(20, 3)]);
  const b = series(1, [pt(5, 10), pt(10, 20)]);

  it("merges unequal x into sorted rows, omitting keys where a run has no bucket", () => {
    const out = prepareLineChart([a, b], linear);
    expect(out.rows).toEqual([
      { x: 0, r0: 1, r0_band: [1, 1] },
      { x: 5, r1: 10, r1_band: [10, 10] },
      { x: 10, r0: 2, r0_band: [2, 2], r1: 20, r1_band: [20, 20] },
      { x: 20, r0: 3, r0_band: [3, 3] },
    ]);
    expect(out.xDomain).toEqual([0, 20]);
    expect(out.xLabel).toBe("Step");
  });

  it("gives each line only its own rows so sampling differences are not drawn as gaps", () => {
    const out = prepareLineChart([a, b], linear);
    expect(rowsForLine(out.rows, out.lines[1]).map((r) => r.x)).toEqual([5, 10]);
  });

  it("uses wall-clock time (ms) when x is time", () => {
    const out = prepareLineChart([series(0, [pt(1, 1, 5_000), pt(2, 2, 9_000), pt(3, 3, 7_000)])], {
      ...linear,
      x: "time",
    });
    expect(out.rows.map((r) => r.x)).toEqual([5_000, 7_000, 9_000]);
    expect(out.rows.map((r) => r.r0)).toEqual([1, 3, 2]);
    expect(out.xDomain).toEqual([5_000, 9_000]);
    expect(out.xLabel).toBe("Time");
  });

  it("starts each series at 0 when x is relative time, so runs started apart line up", () => {
    const a = series(0, [pt(1, 1, 5_000), pt(2, 2, 9_000)]);
    const b = series(1, [pt(1, 3, 100_000), pt(2, 4, 104_000)]);
    const out = prepareLineChart([a, b], { ...linear, x: "relative" });
    expect(out.rows.map((r) => r.x)).toEqual([0, 4_000]);
    expect(out.rows.map((r) => [r.r0, r.r1])).toEqual([[1, 3], [2, 4]]);
    expect(out.xLabel).toBe("Relative time");
  });

  it("pads a single-x domain by one step, or one minute of time", () => {
    expect(prepareLineChart([series(0, [pt(7, 1)])], linear).xDomain).toEqual([6, 8]);
    const t = prepareLineChart([series(0, [pt(7, 1, 120_000)])], { ...linear, x: "time" });
    expect(t.xDomain).toEqual([60_000, 180_000]);
  });

  it("combines duplicate x within a series: widest band, later last value", () => {
    const dup = series(0, [
      { step: 1, time: 1, min: 2, max: 5, last: 4 },
      { step: 1, time: 1, min: 1, max: 3, last: 2 },
    ]);
    expect(prepareLineChart([dup], linear).rows).toEqual([{ x: 1, r0: 2, r0_band: [1, 5] }]);
  });
});

describe("prepareLineChart: nulls", () => {
  it("keeps null buckets as null (a gap), never 0, and leaves them out of the domain", () => {
    const out = prepareLineChart([series(0, [pt(0, 10), pt(1, null), pt(2, 20)])], linear);
    expect(out.rows[1]).toEqual({ x: 1, r0: null, r0_band: null });
    expect(out.yDomain[0]).toBeGreaterThan(0);
  });

  it("treats non-finite numbers that slip through like nulls", () => {
    const out = prepareLineChart([series(0, [pt(0, Number.NaN), pt(1, Number.POSITIVE_INFINITY), pt(2, 1)])], linear);
    expect(out.rows.map((r) => r.r0)).toEqual([null, null, 1]);
  });

  it("keeps the line when only the band is missing, and the band when only the line is", () => {
    const out = prepareLineChart(
      [
        series(0, [
          { step: 0, time: 0, min: null, max: 2, last: 1 },
          { step: 1, time: 1, min: 1, max: 3, last: null },
        ]),
      ],
      linear,
    );
    expect(out.rows).toEqual([
      { x: 0, r0: 1, r0_band: null },
      { x: 1, r0: null, r0_band: [1, 3] },
    ]);
  });

  it("is not empty but not plottable when every bucket is null", () => {
    const out = prepareLineChart([series(0, [pt(0, null), pt(1, null)])], linear);
    expect(out).toMatchObject({ empty: false, plottable: false, yDomain: [0, 1] });
  });
});

describe("prepareLineChart: y domain", () => {
  it("spans line values and band extremes, padded and rounded out to nice ticks", () => {
    const out = prepareLineChart([series(0, [{ step: 0, time: 0, min: -10, max: 30, last: 0 }, pt(1, 10)])], linear);
    // [-10, 30] padded by 5% → [-12, 32] → step 10.
    expect(out.yDomain).toEqual([-20, 40]);
    expect(out.yTicks).toEqual([-20, -10, 0, 10, 20, 30, 40]);
  });

  it("does not pad an all-positive metric below zero", () => {
    const out = prepareLineChart([series(0, [pt(0, 0.01), pt(1, 0.99)])], linear);
    expect(out.yDomain).toEqual([0, 1.2]);
    expect(out.yTicks).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1, 1.2]);
  });

  it("keeps tick labels free of float noise for small decimal ranges", () => {
    const out = prepareLineChart([series(0, [pt(0, 0.301), pt(1, 0.309)])], linear);
    expect(out.yTicks).toEqual([0.3, 0.302, 0.304, 0.306, 0.308, 0.31]);
    expect(out.yDomain).toEqual([0.3, 0.31]);
  });

  it("widens a flat series around its value", () => {
    expect(prepareLineChart([series(0, [pt(0, 5), pt(1, 5)])], linear).yDomain).toEqual([4.4, 5.6]);
    expect(prepareLineChart([series(0, [pt(0, 0)])], linear).yDomain).toEqual([0, 1]);
  });

  it("leaves log-axis ticks to recharts", () => {
    expect(prepareLineChart([series(0, [pt(0, 1), pt(1, 100)])], { ...linear, logScale: true }).yTicks).toBeNull();
  });
});

describe("prepareLineChart: smoothing", () => {
  it("smooths the line with a debiased EMA and leaves the band raw", () => {
    const out = prepareLineChart([series(0, [pt(0, 0), pt(1, 10)])], { ...linear, smoothing: 0.5 });
    // acc: 0 → 5; debiased: 5 / (1 - 0.25) = 6.667
    expect(out.rows[0].r0).toBe(0);
    expect(out.rows[1].r0).toBeCloseTo(20 / 3);
    expect(out.rows[1].r0_band).toEqual([10, 10]);
  });

  it("does not drag the first value towards zero", () => {
    expect(smoothEma([100, 100, 100], 0.9)).toEqual([100, 100, 100].map((v) => expect.closeTo(v, 9)));
  });

  it("passes gaps through without advancing the average", () => {
    const smoothed = smoothEma([4, null, 4], 0.6);
    expect(smoothed[1]).toBeNull();
    expect(smoothed[2]).toBeCloseTo(4);
  });

  it("clamps smoothing into 0..0.99 and treats NaN as off", () => {
    expect(smoothEma([1, 2], 0)).toEqual([1, 2]);
    expect(smoothEma([1, 2], -1)).toEqual([1, 2]);
    expect(smoothEma([1, 2], Number.NaN)).toEqual([1, 2]);
    const capped = smoothEma([0, 1], 5);
    expect(capped[1]).toBeCloseTo(smoothEma([0, 1], 0.99)[1] as number);
  });
});

describe("prepareLineChart: log scale", () => {
  const log = { ...linear, logScale: true };

  it("drops non-positive values to null and computes the domain from positives", () => {
    const out = prepareLineChart([series(0, [pt(0, -1), pt(1, 0), pt(2, 0.1), pt(3, 1000)])], log);
    expect(out.rows.map((r) => r.r0)).toEqual([null, null, 0.1, 1000]);
    const [lo, hi] = out.yDomain;
    expect(lo).toBeGreaterThan(0);
    expect(lo).toBeLessThan(0.1);
    expect(hi).toBeGreaterThan(1000);
    // 5% of the 4 decades on each side.
    expect(Math.log10(0.1 / lo)).toBeCloseTo(0.2);
  });

  it("smooths only the positive values", () => {
    const out = prepareLineChart([series(0, [pt(0, 10), pt(1, -5), pt(2, 10)])], { ...log, smoothing: 0.9 });
    expect(out.rows.map((r) => r.r0)).toEqual([expect.closeTo(10, 9), null, expect.closeTo(10, 9)]);
  });

  it("extends a band whose min is non-positive down to the domain floor", () => {
    const out = prepareLineChart(
      [series(0, [{ step: 0, time: 0, min: -3, max: 8, last: 2 }, pt(1, 4)])],
      log,
    );
    expect(out.rows[0].r0_band).toEqual([out.yDomain[0], 8]);
  });

  it("drops the band when its max is non-positive", () => {
    const out = prepareLineChart([series(0, [{ step: 0, time: 0, min: -3, max: -1, last: -2 }, pt(1, 4)])], log);
    expect(out.rows[0]).toEqual({ x: 0, r0: null, r0_band: null });
  });

  it("is not plottable when nothing is positive", () => {
    const out = prepareLineChart([series(0, [pt(0, -1), pt(1, 0)])], log);
    expect(out).toMatchObject({ empty: false, plottable: false, yDomain: [1, 10] });
  });
});

describe("pointsAt", () => {
  const out = prepareLineChart(
    [series(0, [pt(0, 1), pt(10, 2), pt(20, 3)]), series(1, [pt(5, 10), pt(15, null)])],
    linear,
  );

  it("returns each line's bucket at or before x, with the x it came from", () => {
    expect(pointsAt(out, 12).map(({ x, value, band }) => ({ x, value, band }))).toEqual([
      { x: 10, value: 2, band: [2, 2] },
      { x: 5, value: 10, band: [10, 10] },
    ]);
  });

  it("reports a null bucket as null rather than skipping back past it", () => {
    expect(pointsAt(out, 15)[1]).toMatchObject({ x: 15, value: null, band: null });
  });

  it("omits lines that have not started yet", () => {
    expect(pointsAt(out, 2).map((p) => p.line.dataKey)).toEqual(["r0"]);
    expect(pointsAt(out, -1)).toEqual([]);
  });
});
