import { describe, expect, it } from "vitest";
import { packSeries, unpackSeries } from "./packed-series";

describe("packed series", () => {
  it("round-trips buckets with values rounded to 6 significant digits, nulls kept", () => {
    const series = [{ runId: "r", key: "loss", startTime: 5, points: [
      { step: 0, time: 10, min: 0.123456789, max: 1234567.89, last: null, n: 3 },
      { step: 8, time: 20, min: -1e-9, max: 2, last: 1.5, n: 1 },
    ] }];
    const packed = packSeries(series);
    expect(packed[0].step).toEqual([0, 8]);
    expect(unpackSeries(packed)).toEqual([{ runId: "r", key: "loss", startTime: 5, points: [
      { step: 0, time: 10, min: 0.123457, max: 1234570, last: null, n: 3 },
      { step: 8, time: 20, min: -1e-9, max: 2, last: 1.5, n: 1 },
    ] }]);
  });
});
