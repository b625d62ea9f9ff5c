import { describe, expect, it } from "vitest";
import {
  mannWhitneyU, mannWhitneyUBinned, sampleSizeTwoMeans, sampleSizeTwoProportions, summarize, summarizeMoments,
  twoProportionTest, welchTTest, wilson,
} from "./ab-tests";

const closeRel = (actual: number, expected: number, rel: number) => expect(Math.abs(actual - expected)).toBeLessThanOrEqual(rel * Math.abs(expected));

describe("summaries", () => {
  it("sample mean and variance, from values and from running sums", () => {
    const xs = [2, 4, 4, 4, 5, 5, 7, 9]; // the classic example: mean 5, Σ(x − 5)² = 32
    const s = summarize(xs);
    expect(s.n).toBe(8);
    expect(s.mean).toBeCloseTo(5, 15);
    expect(s.variance).toBeCloseTo(32 / 7, 14);
    const m = summarizeMoments(8, 40, 232);
    expect(m.n).toBe(8);
    expect(m.mean).toBe(5);
    expect(m.variance).toBeCloseTo(32 / 7, 14);
  });

  it("keeps precision at a large offset (Welford), and clamps the cancelled running-sum variance at 0", () => {
    const shifted = [1e9 + 4, 1e9 + 7, 1e9 + 13, 1e9 + 16];
    expect(summarize(shifted).variance).toBeCloseTo(30, 9);
    const constant = 1e8 + 0.1;
    const m = summarizeMoments(3, 3 * constant, 3 * constant * constant * (1 - 1e-16));
    expect(m.variance).toBe(0);
  });

  it("leaves the variance of fewer than two values undefined", () => {
    expect(summarize([3])).toEqual({ n: 1, mean: 3, variance: NaN });
    expect(summarize([])).toEqual({ n: 0, mean: NaN, variance: NaN });
    expect(summarizeMoments(0, 0, 0).mean).toBeNaN();
  });
});

describe("welchTTest", () => {
  it("matches R's t.test(extra ~ group, data = sleep)", () => {
    // R documentation example, ?t.test: Welch Two Sample t-test, t = -1.8608, df = 17.776,
    // p-value = 0.07939, 95 percent confidence interval -3.3654832 0.2054832 (for group 1 − group 2).
    const group1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0];
    const group2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4];
    const r = welchTTest(summarize(group2), summarize(group1)); // diff = b − a = group 1 − group 2
    expect(r.t).toBeCloseTo(-1.8608, 4);
    expect(r.df).toBeCloseTo(17.776, 3);
    expect(r.p).toBeCloseTo(0.07939, 5);
    expect(r.diff).toBeCloseTo(-1.58, 12);
    expect(r.ci[0]).toBeCloseTo(-3.3654832, 7);
    expect(r.ci[1]).toBeCloseTo(0.2054832, 7);
    expect(r.degenerate).toBe(false);
  });

  // Rosetta Code, "Welch's t-test": the task's eight data-set pairs with R's two-sided p-values
  // (t.test(x, y, var.equal = FALSE)), listed as CORRECT_ANSWERS in the C solution.
  const rosetta: Array<[number[], number[], number]> = [
    [[27.5, 21.0, 19.0, 23.6, 17.0, 17.9, 16.9, 20.1, 21.9, 22.6, 23.1, 19.6, 19.0, 21.7, 21.4],
      [27.1, 22.0, 20.8, 23.4, 23.4, 23.5, 25.8, 22.0, 24.8, 20.2, 21.9, 22.1, 22.9, 20.5, 24.4], 0.021378001462867],
    [[17.2, 20.9, 22.6, 18.1, 21.7, 21.4, 23.5, 24.2, 14.7, 21.8],
      [21.5, 22.8, 21.0, 23.0, 21.6, 23.6, 22.5, 20.7, 23.4, 21.8, 20.7, 21.7, 21.5, 22.5, 23.6, 21.5, 22.5, 23.5, 21.5, 21.8], 0.148841696605327],
    [[19.8, 20.4, 19.6, 17.8, 18.5, 18.9, 18.3, 18.9, 19.5, 22.0],
      [28.2, 26.6, 20.1, 23.3, 25.2, 22.1, 17.7, 27.6, 20.6, 13.7, 23.2, 17.5, 20.6, 18.0, 23.9, 21.6, 24.3, 20.4, 24.0, 13.2], 0.0359722710297968],
    [[30.02, 29.99, 30.11, 29.97, 30.01, 29.99], [29.89, 29.93, 29.72, 29.98, 30.02, 29.98], 0.090773324285671],
    [[3.0, 4.0, 1.0, 2.1], [490.2, 340.0, 433.9], 0.0107515611497845],
    [[0.010268, 0.000167, 0.000167], [0.159258, 0.136278, 0.122389], 0.00339907162713746],
    [[1.0 / 15, 10.0 / 62.0], [1.0 / 10, 2 / 50.0], 0.52726574965384],
    [[9 / 23.0, 21 / 45.0, 0 / 38.0], [0 / 44.0, 42 / 94.0, 0 / 22.0], 0.545266866977794],
  ];
  it.each(rosetta.map((row, i) => [i + 1, ...row] as const))("Rosetta Code data set %s: p from R", (_, x, y, p) => {
    closeRel(welchTTest(summarize(x), summarize(y)).p, p, 1e-12);
  });

  it("matches the IMSL output on the extreme-variance pair (non-integer df ≈ 2)", () => {
    // Rosetta Code, same task, Fortran/IMSL: t = -9.55949772193266, df = 2.00085234885628, p = 1.075156114978449E-002 (for x − y).
    const r = welchTTest(summarize([490.2, 340.0, 433.9]), summarize([3.0, 4.0, 1.0, 2.1]));
    expect(r.t).toBeCloseTo(-9.55949772193266, 12);
    expect(r.df).toBeCloseTo(2.00085234885628, 12);
    closeRel(r.p, 1.075156114978449e-2, 1e-12);
  });

  it("uses the requested confidence level", () => {
    const a = summarize([1, 2, 3, 4, 5]);
    const b = summarize([3, 5, 6, 8, 9]);
    const r95 = welchTTest(a, b);
    const r99 = welchTTest(a, b, 0.01);
    expect(r99.ci[0]).toBeLessThan(r95.ci[0]);
    expect(r99.ci[1]).toBeGreaterThan(r95.ci[1]);
    expect((r95.ci[0] + r95.ci[1]) / 2).toBeCloseTo(r95.diff, 12);
  });

  it("is degenerate, with p = 1 and an unbounded interval, when there is nothing to test", () => {
    const flat = { n: 5, mean: 3, variance: 0 };
    for (const r of [welchTTest(flat, { ...flat, mean: 4 }), welchTTest({ n: 1, mean: 1, variance: NaN }, summarize([1, 2, 3]))]) {
      expect(r).toMatchObject({ p: 1, ci: [-Infinity, Infinity], degenerate: true });
      expect(r.t).toBeNaN();
    }
    expect(welchTTest(flat, { ...flat, mean: 4 }).diff).toBe(1);
    // One constant arm is fine: df falls back to the other arm's n − 1.
    const oneFlat = welchTTest(flat, { n: 4, mean: 5, variance: 2 });
    expect(oneFlat.degenerate).toBe(false);
    expect(oneFlat.df).toBeCloseTo(3, 12);
  });
});

describe("twoProportionTest", () => {
  it("chi-square without continuity correction matches R's chisq.test(correct = FALSE)", () => {
    // chisq.test(matrix(c(23, 45, 15, 96), 2, 2, byrow = TRUE), correct = F):
    // X-squared = 10.402, df = 1, p-value = 0.001259 (SciPy chi2_contingency(correction=False): 10.4017, 0.0013).
    const r = twoProportionTest(23, 68, 15, 111);
    expect(r.chi2).toBeCloseTo(10.4017, 4);
    expect(r.p).toBeCloseTo(0.001259, 6);
    expect(r.rateA).toBeCloseTo(23 / 68, 15);
    expect(r.diff).toBeCloseTo(15 / 111 - 23 / 68, 15);
  });

  it("matches R's prop.test(correct = FALSE) on two groups", () => {
    // prop.test(x = c(179, 203), n = c(300, 400), correct = FALSE): X-squared = 5.4979, p-value = 0.01904
    // (Gustavus Adolphus College, MCS 142 R notes, "blue-eyed men and women").
    const r = twoProportionTest(179, 300, 203, 400);
    expect(r.chi2).toBeCloseTo(5.4979, 4);
    expect(r.p).toBeCloseTo(0.01904, 5);
  });

  // Newcombe RG, "Interval estimation for the difference between independent proportions: comparison of
  // eleven methods", Statistics in Medicine 17 (1998) 873–890, Table II, method 10 (score, no CC):
  // rows (a)–(h) as x1/n1 − x2/n2 → [lower, upper] to 4 decimals. Our diff is B − A, so B is Newcombe's sample 1.
  const table2: Array<[string, number, number, number, number, number, number]> = [
    ["a", 56, 70, 48, 80, 0.0524, 0.3339], ["b", 9, 10, 3, 10, 0.1705, 0.809], ["c", 6, 7, 2, 7, 0.0582, 0.8062],
    ["d", 5, 56, 0, 29, -0.0381, 0.1926], ["e", 0, 10, 0, 20, -0.1611, 0.2775], ["f", 0, 10, 0, 10, -0.2775, 0.2775],
    ["g", 10, 10, 0, 20, 0.6791, 1], ["h", 10, 10, 0, 10, 0.6075, 1],
  ];
  it.each(table2)("Newcombe 1998 Table II (%s): %s/%s − %s/%s → [%s, %s]", (_, x1, n1, x2, n2, lo, hi) => {
    const r = twoProportionTest(x2, n2, x1, n1);
    expect(r.diff).toBeCloseTo(x1 / n1 - x2 / n2, 15);
    expect(r.ci[0]).toBeCloseTo(lo, 4);
    expect(r.ci[1]).toBeCloseTo(hi, 4);
  });

  it("handles tables without variation and empty groups, and rejects impossible counts", () => {
    expect(twoProportionTest(0, 50, 0, 80)).toMatchObject({ chi2: 0, p: 1, diff: 0 });
    expect(twoProportionTest(50, 50, 80, 80)).toMatchObject({ chi2: 0, p: 1, diff: 0 });
    const empty = twoProportionTest(0, 0, 3, 10);
    expect(empty).toMatchObject({ chi2: 0, p: 1, ci: [-1, 1] });
    expect(empty.diff).toBeNaN();
    expect(() => twoProportionTest(11, 10, 3, 10)).toThrow(RangeError);
    expect(() => twoProportionTest(1.5, 10, 3, 10)).toThrow(RangeError);
  });
});

describe("wilson", () => {
  it("matches Newcombe 1998 (single proportion) Table I, method 3", () => {
    // Newcombe RG, "Two-sided confidence intervals for the single proportion: comparison of seven methods",
    // Statistics in Medicine 17 (1998) 857–872, Table I, method 3 (score interval without continuity correction).
    const rows: Array<[number, number, number, number]> = [[81, 263, 0.2553, 0.3662], [15, 148, 0.0624, 0.1605], [0, 20, 0, 0.1611], [1, 29, 0.0061, 0.1718]];
    for (const [x, n, lo, hi] of rows) {
      const [l, u] = wilson(x, n);
      expect(l).toBeCloseTo(lo, 4);
      expect(u).toBeCloseTo(hi, 4);
    }
  });

  it("stays inside [0, 1], accepts another z, and says nothing for n = 0", () => {
    expect(wilson(0, 10)[0]).toBe(0);
    expect(wilson(10, 10)[1]).toBe(1);
    const [l90, u90] = wilson(81, 263, 1.6448536269514722);
    const [l95, u95] = wilson(81, 263);
    expect(l90).toBeGreaterThan(l95);
    expect(u90).toBeLessThan(u95);
    expect(wilson(0, 0)).toEqual([0, 1]);
  });
});

describe("mannWhitneyU", () => {
  it("matches SciPy's mannwhitneyu documentation example (no ties)", () => {
    // docs.scipy.org, scipy.stats.mannwhitneyu, Examples: males vs females, U1 = 17 (U2 = 3),
    // method="asymptotic" (continuity-corrected) p = 0.11134688653314041.
    const r = mannWhitneyU([19, 22, 16, 29, 24], [20, 11, 17, 12]);
    expect(r.U).toBe(17);
    closeRel(r.p, 0.11134688653314041, 1e-12);
    expect(r.probabilityBGreater).toBe(3 / 20);
    expect(r.z).toBeGreaterThan(0);
  });

  const may = [41, 36, 12, 18, 28, 23, 19, 8, 7, 16, 11, 14, 18, 14, 34, 6, 30, 11, 1, 11, 4, 32, 23, 45, 115, 37];
  const august = [39, 9, 16, 78, 35, 66, 122, 89, 110, 44, 28, 65, 22, 59, 23, 31, 44, 21, 9, 45, 168, 73, 76, 118, 84, 85];

  it("matches R's wilcox.test documentation example with ties (airquality ozone, May vs August)", () => {
    // ?wilcox.test: wilcox.test(Ozone ~ Month, data = airquality, subset = Month %in% c(5, 8)) →
    // "Wilcoxon rank sum test with continuity correction", W = 127.5, p-value = 0.0001208
    // (R's W is U for the first group). Rank-biserial 1 − 2U/(n1 n2) = 0.623 as commonly reported.
    const r = mannWhitneyU(may, august);
    expect(r.U).toBe(127.5);
    expect(r.p).toBeCloseTo(0.0001208, 7);
    expect(1 - (2 * r.U) / (may.length * august.length)).toBeCloseTo(0.623, 3);
    expect(r.probabilityBGreater).toBeCloseTo(1 - 127.5 / 676, 15);
  });

  it("matches the NAG Library g08amc example (heavy ties)", () => {
    // NAG C Library, g08amc (Mann–Whitney U) example results: U = 86.0000, normal statistic = -2.8039,
    // approximate tail probability = 0.0025 (one tail; our p is two-sided).
    const g1 = [13, 6, 12, 7, 12, 7, 10, 7, 10, 7, 16, 7, 10, 8, 9, 8];
    const g2 = [17, 6, 10, 8, 15, 8, 15, 10, 15, 10, 14, 10, 14, 11, 14, 11, 13, 12, 13, 12, 13, 12, 12];
    const r = mannWhitneyU(g1, g2);
    expect(r.U).toBe(86);
    expect(r.z).toBeCloseTo(-2.8039, 4);
    expect(r.p / 2).toBeCloseTo(0.0025, 4);
  });

  it("binned counts give exactly the result of the expanded samples", () => {
    const expand = (counts: number[]) => counts.flatMap((c, bin) => Array<number>(c).fill(bin));
    const cases: Array<[number[], number[]]> = [
      [[3, 0, 5, 2, 0, 1], [1, 4, 2, 6, 0, 0]],
      [[0, 0, 7], [2, 0, 1]],
      [[120, 340, 610, 200, 30], [100, 300, 650, 260, 45]],
    ];
    for (const [ca, cb] of cases) expect(mannWhitneyUBinned(ca, cb)).toEqual(mannWhitneyU(expand(ca), expand(cb)));
    // And the airquality data binned by decade (values tied within a bin) against the same binning expanded.
    const decade = (xs: number[]) => xs.reduce((counts, x) => { counts[Math.floor(x / 10)]++; return counts; }, Array<number>(17).fill(0));
    expect(mannWhitneyUBinned(decade(may), decade(august))).toEqual(mannWhitneyU(may.map((x) => Math.floor(x / 10)), august.map((x) => Math.floor(x / 10))));
  });

  it("has no ordering to test when a group is empty or everything is tied", () => {
    expect(mannWhitneyU([], [1, 2])).toMatchObject({ U: 0, z: 0, p: 1 });
    expect(mannWhitneyU([5, 5], [5, 5, 5])).toMatchObject({ U: 3, z: 0, p: 1, probabilityBGreater: 0.5 });
    expect(() => mannWhitneyU([1, NaN], [2])).toThrow(RangeError);
    expect(() => mannWhitneyUBinned([1, 2], [1])).toThrow(RangeError);
  });
});

describe("sample size", () => {
  it("two proportions: the pooled-variance formula without continuity correction", () => {
    // p1 = 0.5, p2 = 0.6, α = 0.05, power 0.8: 387.3 → 388 per group (uncorrected Fleiss formula).
    expect(sampleSizeTwoProportions(0.5, 0.6)).toBe(388);
    expect(sampleSizeTwoProportions(0.6, 0.5)).toBe(388);
    // R documentation, ?power.prop.test: power.prop.test(p1 = .50, p2 = .75, power = .90) "=> n = 76.7" → 77.
    expect(sampleSizeTwoProportions(0.5, 0.75, 0.05, 0.9)).toBe(77);
    expect(() => sampleSizeTwoProportions(0.5, 0.5)).toThrow(RangeError);
  });

  it("two means: 2 (z_{1−α/2} + z_{1−β})² σ² / δ²", () => {
    // σ = 1, δ = 0.5 (Cohen's d = 0.5), α = 0.05, power 0.8: 62.8 → 63 per group (normal approximation;
    // the t-based G*Power figure is 64). Lehr's rule of thumb 16/d² gives 16 at d = 1: 15.7 → 16.
    expect(sampleSizeTwoMeans(1, 0.5)).toBe(63);
    expect(sampleSizeTwoMeans(2, 1)).toBe(63);
    expect(sampleSizeTwoMeans(1, 1)).toBe(16);
    expect(sampleSizeTwoMeans(1, -0.5)).toBe(63);
    expect(() => sampleSizeTwoMeans(0, 1)).toThrow(RangeError);
  });
});
