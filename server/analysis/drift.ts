/**
 * Distribution drift between a reference sample (training data, last week) and a current one:
 * the two-sample Kolmogorov–Smirnov test and the population stability index. Pure functions.
 */
import { kolmogorovQ } from "./distributions";

export interface KsResult {
  /** sup |F_a − F_b| over the two empirical CDFs. */
  d: number;
  p: number;
}

/**
 * Two-sample Kolmogorov–Smirnov. The p-value is the asymptotic one with Stephens' small-sample
 * correction, as in Numerical Recipes' kstwo (and MATLAB's kstest2): Q_KS(λ) with
 * λ = (√nₑ + 0.12 + 0.11/√nₑ)·D, nₑ = n₁n₂/(n₁+n₂). Exact distributions are not attempted: drift
 * samples are large, where this is accurate, and with ties (which the exact tables don't allow)
 * the p-value is conservative anyway.
 * Empty input: d = NaN, p = 1 (nothing to compare is no evidence of drift). NaN values throw.
 */
export function ksTwoSample(a: readonly number[], b: readonly number[]): KsResult {
  if ([...a, ...b].some(Number.isNaN)) throw new RangeError("KS: NaN values have no place in a CDF");
  if (a.length === 0 || b.length === 0) return { d: NaN, p: 1 };
  const d = ksStatistic(sorted(a), sorted(b));
  const ne = (a.length * b.length) / (a.length + b.length);
  const root = Math.sqrt(ne);
  return { d, p: kolmogorovQ((root + 0.12 + 0.11 / root) * d) };
}

const sorted = (xs: readonly number[]) => Float64Array.from(xs).sort();

/**
 * The largest CDF gap, read only at distinct values: both samples are advanced past every copy of
 * the current value before comparing. Stepping one sample at a time would measure the gap in the
 * middle of a tie — between the two CDF jumps at the same x — and overstate D.
 */
function ksStatistic(a: Float64Array, b: Float64Array): number {
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < a.length && j < b.length) {
    const x = Math.min(a[i], b[j]);
    while (i < a.length && a[i] === x) i++;
    while (j < b.length && b[j] === x) j++;
    d = Math.max(d, Math.abs(i / a.length - j / b.length));
  }
  // Once one sample is used up the gap only closes, so the maximum has been seen.
  return d;
}

// ---------------------------------------------------------------------------------------------
// Population stability index

export interface PsiBin {
  /** Exclusive lower edge (−Infinity for the first bin). */
  lo: number;
  /** Inclusive upper edge (+Infinity for the last bin). */
  hi: number;
  /** Share of the reference in this bin, as observed (before the floor). */
  refShare: number;
  curShare: number;
}

export interface PsiResult {
  psi: number;
  bins: PsiBin[];
}

/** Shares below this are raised to it inside the PSI sum, so an empty bin costs a finite amount. */
export const PSI_SHARE_FLOOR = 1e-4;

/**
 * PSI = Σ (cur − ref) · ln(cur / ref) over bins whose edges are the reference's quantiles
 * (deciles by default). Edges come only from the reference so the bins mean the same thing run
 * after run; repeated quantiles (discrete or heavily tied data) are merged, so there may be
 * fewer bins than asked for. The outer bins are open to ±Infinity so current values outside the
 * reference's range are counted, not dropped. Bins are (lo, hi].
 * An empty bin on either side would make the log infinite; both shares are floored at 1e-4 for the
 * sum (the reported shares stay as observed). Either sample empty: psi = NaN, no bins.
 */
export function psi(reference: readonly number[], current: readonly number[], bins = 10): PsiResult {
  if ([...reference, ...current].some(Number.isNaN)) throw new RangeError("PSI: NaN values can't be binned");
  if (!(Number.isInteger(bins) && bins >= 1)) throw new RangeError("PSI: bins must be a positive integer");
  if (reference.length === 0 || current.length === 0) return { psi: NaN, bins: [] };
  const ref = sorted(reference);
  const edges = quantileEdges(ref, bins);
  const refCounts = countInto(ref, edges);
  const curCounts = countInto(sorted(current), edges);
  const out: PsiBin[] = refCounts.map((rc, k) => ({
    lo: k === 0 ? -Infinity : edges[k - 1],
    hi: k === edges.length ? Infinity : edges[k],
    refShare: rc / ref.length,
    curShare: curCounts[k] / current.length,
  }));
  const total = out.reduce((sum, bin) => {
    const r = Math.max(bin.refShare, PSI_SHARE_FLOOR);
    const c = Math.max(bin.curShare, PSI_SHARE_FLOOR);
    return sum + (c - r) * Math.log(c / r);
  }, 0);
  return { psi: total, bins: out };
}

/** Inner edges at the k/bins quantiles (R's default type 7: linear between order statistics), duplicates merged. */
function quantileEdges(sortedRef: Float64Array, bins: number): number[] {
  const edges: number[] = [];
  for (let k = 1; k < bins; k++) {
    const h = ((sortedRef.length - 1) * k) / bins;
    const lo = Math.floor(h);
    const hi = Math.min(lo + 1, sortedRef.length - 1);
    const q = sortedRef[lo] + (h - lo) * (sortedRef[hi] - sortedRef[lo]);
    if (edges.length === 0 || q > edges[edges.length - 1]) edges.push(q);
  }
  return edges;
}

/** Counts per bin (lo, hi] for sorted values: one merge pass. */
function countInto(sortedValues: Float64Array, edges: number[]): number[] {
  const counts = new Array<number>(edges.length + 1).fill(0);
  let bin = 0;
  for (const v of sortedValues) {
    while (bin < edges.length && v > edges[bin]) bin++;
    counts[bin]++;
  }
  return counts;
}

export type PsiLevel = "stable" | "moderate" | "significant";

/**
 * The conventional reading (credit-scoring practice, e.g. Siddiqi, Credit Risk Scorecards, 2006):
 * below 0.1 no meaningful shift, 0.1–0.25 worth a look, above 0.25 a significant shift. A NaN PSI
 * (no data) reads as "significant": a silent "stable" would hide a broken feed.
 */
export function psiLevel(value: number): PsiLevel {
  if (value < 0.1) return "stable";
  if (value < 0.25) return "moderate";
  return "significant";
}
