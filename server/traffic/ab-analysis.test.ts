import { describe, expect, it } from "vitest";
import { compareVariants, DEFAULT_EXPERIMENT, type VariantData } from "./ab-analysis";

const none = { n: 0, sum: 0, sumSq: 0, histogram: [] };
const variant = (name: string, requests: number, errors: number, over: Partial<VariantData> = {}): VariantData =>
  ({ name, requests, errors, latency: none, ttft: none, thumbs: { up: 0, n: 0 }, scores: [], ...over });

describe("the A/B comparison", () => {
  it("withholds the verdict until the fixed horizon, however small p is before it", () => {
    // 90 % vs 99 % success on 100 requests each: p ≈ 0.005, but the test was sized to find a 2 %
    // relative change (90 % → 91.8 %), which needs thousands per group: the verdict waits.
    const [c] = compareVariants(variant("a", 100, 10), [variant("b", 100, 1)], { ...DEFAULT_EXPERIMENT, minimumEffect: 0.02 });
    const success = c.primary;
    expect(success.p!).toBeLessThan(0.01);
    expect(success.required).toBeGreaterThan(100);
    expect(success.status).toBe("collecting");
    expect(c.verdict).toMatch(/^Collecting: 100 of \d+ observations per variant \(the fixed horizon\)/);
  });

  it("names the better variant at the horizon when significant, and says so when not", () => {
    const exp = { ...DEFAULT_EXPERIMENT, minimumEffect: 0.05 };
    const [win] = compareVariants(variant("a", 2000, 200), [variant("b", 2000, 120)], exp);
    expect(win.primary.required).toBeLessThanOrEqual(2000);
    expect(win.primary).toMatchObject({ status: "significant", better: "variant" });
    expect(win.primary.diff).toBeCloseTo(0.04, 10);
    expect(win.primary.ci![0]).toBeGreaterThan(0);
    expect(win.verdict).toMatch(/^b is better on success rate \(p = /);
    const [tie] = compareVariants(variant("a", 2000, 200), [variant("b", 2000, 204)], exp);
    expect(tie.primary.status).toBe("not significant");
    expect(tie.verdict).toMatch(/^No significant difference in success rate/);
  });

  it("calls lower latency better, with Welch on the means and Mann–Whitney on the histograms", () => {
    // Means 100 ms vs 120 ms, sd 20 ms, 500 each.
    const m = (n: number, mean: number, sd: number, histogram: number[]) => ({ n, sum: n * mean, sumSq: (n - 1) * sd * sd + n * mean * mean, histogram });
    const [c] = compareVariants(variant("a", 500, 0, { latency: m(500, 100, 20, [0, 0, 0, 0, 400, 100]) }), [variant("b", 500, 0, { latency: m(500, 120, 20, [0, 0, 0, 0, 250, 250]) })], { ...DEFAULT_EXPERIMENT, metric: "latency" });
    expect(c.primary).toMatchObject({ metric: "latency", status: "significant", better: "baseline" });
    expect(c.primary.diff).toBeCloseTo(20, 6);
    expect(c.primary.probabilityGreater!).toBeGreaterThan(0.5);
    expect(c.primary.mannWhitneyP!).toBeLessThan(0.001);
    expect(c.verdict).toMatch(/^a is better on mean latency/);
  });

  it("sizes the horizon for any effect the settings allow", () => {
    for (const minimumEffect of [0.005, 0.5, 1, 10]) {
      const [c] = compareVariants(variant("a", 100, 10), [variant("b", 100, 1)], { ...DEFAULT_EXPERIMENT, minimumEffect });
      expect(c.primary.required).toBeGreaterThan(0);
    }
  });

  it("says there is no data rather than guessing", () => {
    const [c] = compareVariants(variant("a", 10, 0), [variant("b", 0, 0)], { ...DEFAULT_EXPERIMENT, metric: "thumbs" });
    expect(c.primary.status).toBe("no data");
    expect(c.verdict).toBe("No thumbs-up rate data for both a and b yet.");
  });
});
