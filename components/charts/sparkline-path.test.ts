import { describe, expect, it } from "vitest";
import { sparklinePath } from "./sparkline-path";

describe("sparklinePath", () => {
  it("scales values into the box, highest at the top", () => {
    expect(sparklinePath([0, 10], 12, 12)).toBe("M1 11L11 1");
  });

  it("breaks the line at gaps instead of drawing them as zero", () => {
    expect(sparklinePath([0, 2, null, 10, 10], 8, 10, 0)).toBe("M0 10L2 8M6 0L8 0");
  });

  it("draws isolated values as zero-length segments (dots)", () => {
    expect(sparklinePath([0, Number.NaN, 10], 10, 10, 0)).toBe("M0 10L0 10M10 0L10 0");
  });

  it("draws a flat series at mid-height and a single value in the middle", () => {
    expect(sparklinePath([3, 3], 10, 10, 0)).toBe("M0 5L10 5");
    expect(sparklinePath([7], 10, 10, 0)).toBe("M5 5L5 5");
  });

  it("returns an empty path when nothing is finite", () => {
    expect(sparklinePath([], 10, 10)).toBe("");
    expect(sparklinePath([null, Number.POSITIVE_INFINITY], 10, 10)).toBe("");
  });
});
