/**
 * Two-sample tests for A/B analysis: Welch's t, the 2×2 chi-square with a Newcombe interval,
 * Mann–Whitney U (raw or binned), Wilson intervals and per-group sample sizes. Pure functions;
 * every result is checked against a published worked example in ab-tests.test.ts.
 *
 * Direction convention throughout: B is the variant, A the control, differences are B − A.
 */
import { chiSquareSf, normalCdf, normalQuantile, studentTQuantile, studentTTail } from "./distributions";

export interface Summary { n: number; mean: number; variance: number }

/** n, mean and sample variance (n − 1 denominator). Welford's update, so large offsets don't cancel. */
export function summarize(samples: readonly number[]): Summary {
  let mean = 0;
  let m2 = 0;
  samples.forEach((x, i) => {
    const delta = x - mean;
    mean += delta / (i + 1);
    m2 += delta * (x - mean);
  });
  return finishSummary(samples.length, mean, m2);
}

/**
 * The same from running sums (what a metrics store can keep). sumSq − sum²/n cancels badly when
 * the mean is large next to the spread, and rounding can leave it slightly negative: clamped to 0.
 */
export function summarizeMoments(n: number, sum: number, sumSq: number): Summary {
  const mean = n > 0 ? sum / n : NaN;
  return finishSummary(n, mean, n > 0 ? Math.max(0, sumSq - sum * mean) : NaN);
}

// A variance from fewer than two values is undefined: NaN rather than 0, so it can't pass for "no spread".
const finishSummary = (n: number, mean: number, m2: number): Summary => ({
  n,
  mean: n > 0 ? mean : NaN,
  variance: n > 1 ? m2 / (n - 1) : NaN,
});

// ---------------------------------------------------------------------------------------------
// Welch's t-test

export interface WelchResult {
  t: number;
  df: number;
  /** Two-sided. */
  p: number;
  /** b.mean − a.mean; t has the same sign. */
  diff: number;
  se: number;
  /** 1 − alpha confidence interval for diff. */
  ci: [number, number];
  /** True when there was nothing to test (see welchTTest). */
  degenerate: boolean;
}

/**
 * Welch's unequal-variance t-test with the Welch–Satterthwaite df (R's t.test default).
 * Degenerate inputs — a group with n < 2, a non-finite moment, or both variances 0 (se = 0) — give
 * t = df = NaN, p = 1 and an unbounded interval, flagged `degenerate`: "no evidence either way"
 * is the honest reading, and p = 1 keeps callers that threshold on p from declaring a winner.
 */
export function welchTTest(a: Summary, b: Summary, alpha = 0.05): WelchResult {
  const diff = b.mean - a.mean;
  const va = a.variance / a.n;
  const vb = b.variance / b.n;
  const se = Math.sqrt(va + vb);
  if (a.n < 2 || b.n < 2 || !Number.isFinite(diff) || !Number.isFinite(se) || se === 0) {
    return { t: NaN, df: NaN, p: 1, diff, se, ci: [-Infinity, Infinity], degenerate: true };
  }
  const t = diff / se;
  const df = (va + vb) ** 2 / (va ** 2 / (a.n - 1) + vb ** 2 / (b.n - 1));
  const p = Math.min(1, 2 * studentTTail(t, df));
  const half = studentTQuantile(1 - alpha / 2, df) * se;
  return { t, df, p, diff, se, ci: [diff - half, diff + half], degenerate: false };
}

// ---------------------------------------------------------------------------------------------
// Proportions

/** Wilson score interval for one proportion (95% by default). n = 0 says nothing: [0, 1]. */
export function wilson(successes: number, n: number, z = 1.959963984540054): [number, number] {
  if (n === 0) return [0, 1];
  const p = successes / n;
  const z2n = (z * z) / n;
  const center = (p + z2n / 2) / (1 + z2n);
  const half = (z / (1 + z2n)) * Math.sqrt((p * (1 - p)) / n + z2n / (4 * n));
  // At 0/n and n/n the bound is exactly 0 or 1; the arithmetic misses it by an ulp either way.
  return [successes === 0 ? 0 : Math.max(0, center - half), successes === n ? 1 : Math.min(1, center + half)];
}

export interface ProportionTestResult {
  /** Pearson chi-square on the 2×2 table, WITHOUT Yates' continuity correction (= z² of the pooled z-test). */
  chi2: number;
  p: number;
  rateA: number;
  rateB: number;
  /** rateB − rateA. */
  diff: number;
  /** Newcombe (1998) method 10: the hybrid score interval built from the two Wilson intervals. */
  ci: [number, number];
}

/**
 * Compares two conversion rates. No continuity correction: Yates' correction is conservative
 * (its p-values run high) and A/B samples are large enough that the uncorrected statistic is
 * the standard one (R: prop.test(correct = FALSE); SciPy: chi2_contingency(correction = False)).
 * The interval is Newcombe's method 10 rather than Wald: it stays inside [−1, 1] and keeps its
 * coverage at rates near 0 or 1, where conversion rates live.
 * An empty group leaves the difference undefined: chi2 = 0, p = 1, interval [−1, 1].
 */
export function twoProportionTest(successA: number, nA: number, successB: number, nB: number, alpha = 0.05): ProportionTestResult {
  checkCounts(successA, nA);
  checkCounts(successB, nB);
  const rateA = nA > 0 ? successA / nA : NaN;
  const rateB = nB > 0 ? successB / nB : NaN;
  const diff = rateB - rateA;
  if (nA === 0 || nB === 0) return { chi2: 0, p: 1, rateA, rateB, diff, ci: [-1, 1] };
  const chi2 = pearsonChi2(successA, nA - successA, successB, nB - successB);
  const z = normalQuantile(1 - alpha / 2);
  return { chi2, p: chiSquareSf(chi2, 1), rateA, rateB, diff, ci: newcombeInterval(successB, nB, successA, nA, z) };
}

function checkCounts(successes: number, n: number): void {
  if (!Number.isInteger(successes) || !Number.isInteger(n) || successes < 0 || successes > n) {
    throw new RangeError(`need integer counts with 0 ≤ successes ≤ n, got ${successes}/${n}`);
  }
}

/** N (ad − bc)² / (row and column totals) for the table [[a, b], [c, d]]; 0 when a margin is empty (no variation to test). */
function pearsonChi2(a: number, b: number, c: number, d: number): number {
  const n = a + b + c + d;
  const margins = (a + b) * (c + d) * (a + c) * (b + d);
  if (margins === 0) return 0;
  const cross = a * d - b * c;
  return (n * cross * cross) / margins;
}

/** Newcombe's hybrid score interval for p1 − p2 (his method 10, 1998 Table II). */
function newcombeInterval(x1: number, n1: number, x2: number, n2: number, z: number): [number, number] {
  const p1 = x1 / n1;
  const p2 = x2 / n2;
  const [l1, u1] = wilson(x1, n1, z);
  const [l2, u2] = wilson(x2, n2, z);
  const d = p1 - p2;
  return [d - Math.hypot(p1 - l1, u2 - p2), d + Math.hypot(u1 - p1, p2 - l2)];
}

// ---------------------------------------------------------------------------------------------
// Mann–Whitney U

export interface MannWhitneyResult {
  /** U for sample A: R_A − n_A(n_A + 1)/2, the count of (a, b) pairs with a > b plus half the ties. */
  U: number;
  /** Positive when A tends to be larger. */
  z: number;
  /** Two-sided. */
  p: number;
  /** P(B > A) + ½ P(B = A) = U_B / (n_A n_B): the common-language effect size. */
  probabilityBGreater: number;
}

/**
 * Mann–Whitney U with average ranks for ties and the tie-corrected normal approximation with a
 * 0.5 continuity correction — R's wilcox.test(exact = FALSE, correct = TRUE), SciPy's
 * mannwhitneyu(method = "asymptotic"). Values are grouped into tie groups and handed to the
 * binned version, so the two give identical results by construction.
 */
export function mannWhitneyU(a: readonly number[], b: readonly number[]): MannWhitneyResult {
  if ([...a, ...b].some(Number.isNaN)) throw new RangeError("Mann–Whitney: NaN has no rank");
  const tagged = [...a.map((v) => ({ v, inA: true })), ...b.map((v) => ({ v, inA: false }))].sort((x, y) => x.v - y.v);
  const countsA: number[] = [];
  const countsB: number[] = [];
  tagged.forEach((item, i) => {
    if (i === 0 || item.v !== tagged[i - 1].v) {
      countsA.push(0);
      countsB.push(0);
    }
    (item.inA ? countsA : countsB)[countsA.length - 1]++;
  });
  return mannWhitneyUBinned(countsA, countsB);
}

/**
 * The same test from counts per ordered bin (two histograms over identical bin edges): every bin
 * is one tie group. Exact for data that really is discrete (ratings, bucketed latencies); for
 * binned continuous data it treats in-bin values as tied, which the tie correction accounts for.
 * With an empty group, or everything tied, there is no ordering to test: z = 0, p = 1.
 */
export function mannWhitneyUBinned(countsA: readonly number[], countsB: readonly number[]): MannWhitneyResult {
  if (countsA.length !== countsB.length) throw new RangeError("Mann–Whitney: both histograms need the same bins");
  if ([...countsA, ...countsB].some((c) => !(c >= 0) || !Number.isFinite(c))) {
    throw new RangeError("Mann–Whitney: bin counts must be finite and non-negative");
  }
  let n1 = 0;
  let n2 = 0;
  let rankSumA = 0;
  let tieSum = 0; // Σ (t³ − t) over tie groups
  countsA.forEach((ca, i) => {
    const t = ca + countsB[i];
    rankSumA += ca * (n1 + n2 + (t + 1) / 2); // each member gets the group's average rank
    tieSum += t * t * t - t;
    n1 += ca;
    n2 += countsB[i];
  });
  const pairs = n1 * n2;
  const U = rankSumA - (n1 * (n1 + 1)) / 2;
  const probabilityBGreater = pairs > 0 ? (pairs - U) / pairs : NaN;
  const n = n1 + n2;
  const variance = n > 1 ? (pairs / 12) * (n + 1 - tieSum / (n * (n - 1))) : 0;
  if (!(variance > 0)) return { U, z: 0, p: 1, probabilityBGreater };
  // U and its mean n1n2/2 are both multiples of ½, so the correction never flips the sign.
  const excess = U - pairs / 2;
  const z = (Math.sign(excess) * Math.max(0, Math.abs(excess) - 0.5)) / Math.sqrt(variance);
  return { U, z, p: Math.min(1, 2 * normalCdf(-Math.abs(z))), probabilityBGreater };
}

// ---------------------------------------------------------------------------------------------
// Sample size (per group, two-sided test, equal allocation)

/**
 * n per group to detect p1 vs p2 with the pooled-variance z-test (no continuity correction):
 * n = (z_{1−α/2} √(2 p̄ q̄) + z_{1−β} √(p1 q1 + p2 q2))² / (p1 − p2)², rounded up — the formula
 * R's power.prop.test inverts (Fleiss, Levin & Paik, Statistical Methods for Rates and Proportions).
 */
export function sampleSizeTwoProportions(p1: number, p2: number, alpha = 0.05, power = 0.8): number {
  if (!(p1 > 0 && p1 < 1 && p2 > 0 && p2 < 1) || p1 === p2) throw new RangeError("need two different rates strictly between 0 and 1");
  const { zAlpha, zBeta } = criticalValues(alpha, power);
  const pBar = (p1 + p2) / 2;
  const root = zAlpha * Math.sqrt(2 * pBar * (1 - pBar)) + zBeta * Math.sqrt(p1 * (1 - p1) + p2 * (1 - p2));
  return ceilTolerant((root / (p1 - p2)) ** 2);
}

/** n per group to detect a mean difference `delta` with known `sd` (normal approximation): 2 (z_{1−α/2} + z_{1−β})² sd² / δ². */
export function sampleSizeTwoMeans(sd: number, delta: number, alpha = 0.05, power = 0.8): number {
  if (!(sd > 0) || !(delta !== 0) || !Number.isFinite(delta)) throw new RangeError("need sd > 0 and a finite non-zero delta");
  const { zAlpha, zBeta } = criticalValues(alpha, power);
  return ceilTolerant((2 * (zAlpha + zBeta) ** 2 * sd * sd) / (delta * delta));
}

function criticalValues(alpha: number, power: number) {
  if (!(alpha > 0 && alpha < 1 && power > 0 && power < 1)) throw new RangeError("alpha and power must be in (0, 1)");
  return { zAlpha: normalQuantile(1 - alpha / 2), zBeta: normalQuantile(power) };
}

// Rounding error must not turn an exact 63 into 64.
const ceilTolerant = (x: number) => Math.ceil(x - 1e-9);
