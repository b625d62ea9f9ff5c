import { describe, expect, it } from "vitest";
import { kolmogorovQ } from "./distributions";
import { seededRng } from "@/server/sweeps/search-space";
import { ksTwoSample, PSI_SHARE_FLOOR, psi, psiLevel } from "./drift";

/** n draws from N(mean, 1) by Box–Muller (1 − u keeps the log away from 0). */
function normalSample(seed: number, n: number, mean = 0): number[] {
  const rand = seededRng(seed);
  const out: number[] = [];
  while (out.length < n) {
    const r = Math.sqrt(-2 * Math.log(1 - rand()));
    const theta = 2 * Math.PI * rand();
    out.push(mean + r * Math.cos(theta), mean + r * Math.sin(theta));
  }
  return out.slice(0, n);
}

describe("ksTwoSample", () => {
  it("finds the published D on the salivation data, with the Stephens-corrected asymptotic p", () => {
    // Sawyer, Washington Univ. Math 408 notes (Table 5.7 p180 of the course text), two-sample KS:
    // m = n = 10, max |F_X − F_Y| = 0.6 (J = 6 on the LCM scale).
    const x = [-0.15, 8.6, 5.0, 3.71, 4.29, 7.74, 2.48, 3.25, -1.15, 8.38];
    const y = [2.55, 12.07, 0.46, 0.35, 2.69, -0.94, 1.73, 0.73, -0.35, -0.37];
    const r = ksTwoSample(x, y);
    expect(r.d).toBeCloseTo(0.6, 14);
    // Numerical Recipes / Stephens: λ = (√nₑ + 0.12 + 0.11/√nₑ)·D with nₑ = 5 (the notes' 0.0546 is the uncorrected λ = √5·D).
    expect(r.p).toBeCloseTo(kolmogorovQ((Math.sqrt(5) + 0.12 + 0.11 / Math.sqrt(5)) * 0.6), 15);
    expect(r.p).toBeLessThan(0.0546);
    expect(ksTwoSample(y, x)).toEqual(r);
  });

  it("measures D only between distinct values when samples tie", () => {
    // Hand-derived: at x = 1, 2, 3, 4 the CDFs are (¼, 0), (¾, ¾), (1, ¾), (1, 1) → D = ¼. Stepping one
    // sample at a time through the tie at 2 would see (¾, 0) and report ¾.
    expect(ksTwoSample([1, 2, 2, 3], [2, 2, 2, 4]).d).toBe(0.25);
    // Identical samples full of ties: D = 0, p = 1.
    expect(ksTwoSample([1, 1, 2, 2, 2, 3], [3, 2, 1, 2, 2, 1])).toEqual({ d: 0, p: 1 });
    // Disjoint samples: D = 1.
    expect(ksTwoSample([1, 2, 3], [4, 5]).d).toBe(1);
  });

  it("does not flag two draws of the same distribution and flags a half-sigma shift (seeded N(0,1) samples, n = 2000)", () => {
    const reference = normalSample(1, 2000);
    const same = ksTwoSample(reference, normalSample(2, 2000));
    expect(same.p).toBeGreaterThan(0.05);
    const shifted = ksTwoSample(reference, normalSample(3, 2000, 0.5));
    expect(shifted.p).toBeLessThan(1e-6);
    expect(shifted.d).toBeGreaterThan(0.15); // population value Φ(0.25) − Φ(−0.25) = 0.197
  });

  it("has nothing to compare on empty input and rejects NaN", () => {
    const r = ksTwoSample([], [1, 2]);
    expect(r.d).toBeNaN();
    expect(r.p).toBe(1);
    expect(() => ksTwoSample([1, NaN], [2])).toThrow(RangeError);
  });
});

describe("psi", () => {
  it("computes the index over reference-quantile bins (hand-derived)", () => {
    // Reference 1…10 in 2 bins: the median edge (type 7) is 5.5. Current puts 2 of 10 left of it:
    // PSI = (0.2 − 0.5) ln(0.2/0.5) + (0.8 − 0.5) ln(0.8/0.5) = 0.3 ln 2.5 + 0.3 ln 1.6 = 0.3 ln 4.
    const reference = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    const r = psi(reference, [1, 2, 6, 7, 8, 9, 10, 11, 12, 13], 2);
    expect(r.psi).toBeCloseTo(0.3 * Math.log(4), 14);
    expect(r.bins).toEqual([
      { lo: -Infinity, hi: 5.5, refShare: 0.5, curShare: 0.2 },
      { lo: 5.5, hi: Infinity, refShare: 0.5, curShare: 0.8 },
    ]);
    // Deciles of the same reference: edges at 1.9, 2.8, …, 9.1, one value per bin.
    const deciles = psi(reference, reference);
    expect(deciles.psi).toBe(0);
    expect(deciles.bins.map((b) => b.refShare)).toEqual(Array(10).fill(0.1));
    expect(deciles.bins[0].hi).toBeCloseTo(1.9, 14);
  });

  it("floors empty shares at 1e-4 instead of returning Infinity", () => {
    const r = psi([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [7, 8, 9], 2);
    expect(r.bins[0].curShare).toBe(0); // reported as observed
    expect(r.psi).toBeCloseTo((PSI_SHARE_FLOOR - 0.5) * Math.log(PSI_SHARE_FLOOR / 0.5) + 0.5 * Math.log(2), 14);
    expect(Number.isFinite(r.psi)).toBe(true);
  });

  it("merges repeated quantile edges of tied data and keeps values beyond the reference range", () => {
    // Deciles of [0×8, 1, 2] are 0 (seven times), 0.2 and 1.1: three distinct edges, four bins.
    const r = psi([0, 0, 0, 0, 0, 0, 0, 0, 1, 2], [-5, 0, 0.1, 50]);
    const [e1, e2] = [expect.closeTo(0.2, 12), expect.closeTo(1.1, 12)];
    expect(r.bins.map((b) => [b.lo, b.hi])).toEqual([[-Infinity, 0], [0, e1], [e1, e2], [e2, Infinity]]);
    expect(r.bins.map((b) => b.refShare)).toEqual([0.8, 0, 0.1, 0.1]);
    expect(r.bins.map((b) => b.curShare)).toEqual([0.5, 0.25, 0, 0.25]);
  });

  it("stays small for the same distribution and grows for a half-sigma shift (seeded N(0,1) samples, n = 2000)", () => {
    const reference = normalSample(1, 2000);
    const same = psi(reference, normalSample(2, 2000));
    expect(same.psi).toBeLessThan(0.1);
    expect(psiLevel(same.psi)).toBe("stable");
    const shifted = psi(reference, normalSample(3, 2000, 0.5));
    expect(shifted.psi).toBeGreaterThan(0.1);
    expect(psiLevel(shifted.psi)).not.toBe("stable");
  });

  it("handles empty input and validates its arguments", () => {
    expect(psi([], [1])).toEqual({ psi: NaN, bins: [] });
    expect(() => psi([1, 2], [1], 0)).toThrow(RangeError);
    expect(() => psi([1, NaN], [1])).toThrow(RangeError);
  });
});

describe("psiLevel", () => {
  it("reads the conventional thresholds 0.1 and 0.25", () => {
    expect([0, 0.0999, 0.1, 0.2499, 0.25, 3].map(psiLevel)).toEqual(["stable", "stable", "moderate", "moderate", "significant", "significant"]);
    expect(psiLevel(NaN)).toBe("significant");
  });
});
