import { describe, expect, it } from "vitest";
import { axisTicks, linePath, scaleOf } from "./overlay-geometry";
import type { ChartRow } from "./prepare-line-chart";

describe("overlay geometry", () => {
  it("scales linearly and by decades", () => {
    expect(scaleOf([0, 10], [0, 100])(2.5)).toBe(25);
    expect(scaleOf([0, 10], [100, 0])(10)).toBe(0);
    expect(scaleOf([1, 1000], [0, 300], true)(10)).toBeCloseTo(100);
  });

  it("picks nice ticks, and powers of ten on a log axis", () => {
    expect(axisTicks([0, 1])).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(axisTicks([0, 99_999])).toEqual([0, 20_000, 40_000, 60_000, 80_000]);
    expect(axisTicks([0.005, 20], true)).toEqual([0.01, 0.1, 1, 10]);
    expect(axisTicks([2, 5], true)).toEqual([2, 5]);
  });

  it("draws a path that breaks at missing values", () => {
    const rows = [{ x: 0, r0: 1 }, { x: 1, r0: null }, { x: 2, r0: 3 }, { x: 3, r0: 4 }, { x: 4 }] as ChartRow[];
    const id = (v: number) => v;
    expect(linePath(rows, "r0", id, id)).toBe("M0.0,1.0M2.0,3.0L3.0,4.0");
  });
});
