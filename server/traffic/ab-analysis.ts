import type { Experiment } from "@/server/db/schema";
import { mannWhitneyUBinned, sampleSizeTwoMeans, sampleSizeTwoProportions, summarizeMoments, twoProportionTest, welchTTest } from "@/server/analysis/ab-tests";

/**
 * The A/B analysis, pure: each variant against the baseline on success rate (chi-square),
 * latency and TTFT (Welch's t on the means, Mann–Whitney U on the histograms, as latencies are
 * skewed), thumbs (chi-square) and scores (Welch). The guard against peeking is a fixed horizon:
 * a metric's verdict is withheld until both groups reach the sample size a power analysis asks
 * for (α, power and the smallest effect worth finding), so looking early cannot produce a
 * false winner; after it, one test at α decides.
 */

export interface Moments { n: number; sum: number; sumSq: number; histogram: number[] }
export interface VariantData { name: string; requests: number; errors: number; latency: Moments; ttft: Moments; thumbs: { up: number; n: number }; scores: number[] }

export type MetricName = Experiment["metric"];
export const DEFAULT_EXPERIMENT: Omit<Experiment, "startedAt"> = { metric: "success", minimumEffect: 0.1, alpha: 0.05, power: 0.8, autoPromote: false };

export interface MetricResult {
  metric: MetricName;
  test: string;
  /** Baseline and variant: rate or mean, with the number of observations. */
  baseline: { value: number | null; n: number };
  variant: { value: number | null; n: number };
  diff: number | null;
  ci: [number, number] | null;
  p: number | null;
  /** Mann–Whitney's P(variant > baseline), for latency and TTFT. */
  probabilityGreater?: number;
  mannWhitneyP?: number;
  /** Observations per group the horizon needs; null when it cannot be computed yet. */
  required: number | null;
  status: "collecting" | "significant" | "not significant" | "no data";
  /** Which is better when significant; higher is better for rates and scores, lower for times. */
  better: "variant" | "baseline" | null;
}

const LOWER_IS_BETTER: Record<MetricName, boolean> = { success: false, latency: true, ttft: true, thumbs: false, score: false };

/** The proportion a relative effect moves `p` to: up if there is room, else down; always inside (0, 1). */
const shifted = (p: number, effect: number) => Math.min(0.999, Math.max(0.001, p * (1 + effect) < 1 ? p * (1 + effect) : p * (1 - effect)));

function proportion(metric: MetricName, sa: number, na: number, sb: number, nb: number, e: Omit<Experiment, "startedAt">): MetricResult {
  const empty = na === 0 || nb === 0;
  const test = twoProportionTest(sa, na, sb, nb, e.alpha);
  const rateA = na ? sa / na : null;
  // With the baseline at 0 % or 100 % there is no variance to size a test by: 1 % off it is the effect.
  const p1 = rateA === null ? null : Math.min(0.99, Math.max(0.01, rateA));
  const required = p1 === null ? null : sampleSizeTwoProportions(p1, shifted(p1, e.minimumEffect), e.alpha, e.power);
  return finish(metric, { test: "chi-square (2×2, no continuity correction), Newcombe interval", baseline: { value: rateA, n: na }, variant: { value: nb ? sb / nb : null, n: nb }, diff: empty ? null : test.diff, ci: empty ? null : test.ci, p: empty ? null : test.p, required }, e);
}

function means(metric: MetricName, a: Moments, b: Moments, e: Omit<Experiment, "startedAt">, test = "Welch's t-test"): MetricResult {
  const sa = summarizeMoments(a.n, a.sum, a.sumSq);
  const sb = summarizeMoments(b.n, b.sum, b.sumSq);
  const w = welchTTest(sa, sb, e.alpha);
  const sd = Math.sqrt(sa.variance);
  const required = a.n > 1 && sd > 0 && sa.mean > 0 ? sampleSizeTwoMeans(sd, e.minimumEffect * sa.mean, e.alpha, e.power) : null;
  const r = finish(metric, { test, baseline: { value: a.n ? sa.mean : null, n: a.n }, variant: { value: b.n ? sb.mean : null, n: b.n }, diff: w.degenerate ? null : w.diff, ci: w.degenerate ? null : w.ci, p: w.degenerate ? null : w.p, required }, e);
  if (a.histogram.some((c) => c > 0) && b.histogram.some((c) => c > 0)) {
    const mw = mannWhitneyUBinned(a.histogram, b.histogram);
    return { ...r, test: `${test}; Mann–Whitney U on the histogram`, probabilityGreater: mw.probabilityBGreater, mannWhitneyP: mw.p };
  }
  return r;
}

function finish(metric: MetricName, r: Omit<MetricResult, "metric" | "status" | "better">, e: Omit<Experiment, "startedAt">): MetricResult {
  if (r.baseline.n === 0 || r.variant.n === 0 || r.p === null) return { ...r, metric, status: "no data", better: null };
  if (r.required === null || Math.min(r.baseline.n, r.variant.n) < r.required) return { ...r, metric, status: "collecting", better: null };
  if (r.p >= e.alpha) return { ...r, metric, status: "not significant", better: null };
  const variantHigher = (r.diff ?? 0) > 0;
  return { ...r, metric, status: "significant", better: variantHigher !== LOWER_IS_BETTER[metric] ? "variant" : "baseline" };
}

export interface Comparison { variant: string; metrics: MetricResult[]; primary: MetricResult; verdict: string }

/** Each variant against the baseline; `verdict` reads the experiment's metric. */
export function compareVariants(baseline: VariantData, others: VariantData[], experiment: Omit<Experiment, "startedAt">): Comparison[] {
  return others.map((v) => {
    const metrics = [
      proportion("success", baseline.requests - baseline.errors, baseline.requests, v.requests - v.errors, v.requests, experiment),
      means("latency", baseline.latency, v.latency, experiment),
      means("ttft", baseline.ttft, v.ttft, experiment),
      proportion("thumbs", baseline.thumbs.up, baseline.thumbs.n, v.thumbs.up, v.thumbs.n, experiment),
      means("score", moments(baseline.scores), moments(v.scores), experiment),
    ];
    const primary = metrics.find((m) => m.metric === experiment.metric)!;
    return { variant: v.name, metrics, primary, verdict: verdictOf(baseline.name, v.name, primary) };
  });
}

const moments = (xs: number[]): Moments => ({ n: xs.length, sum: xs.reduce((a, b) => a + b, 0), sumSq: xs.reduce((a, b) => a + b * b, 0), histogram: [] });

const LABEL: Record<MetricName, string> = { success: "success rate", latency: "mean latency", ttft: "mean time to first token", thumbs: "thumbs-up rate", score: "mean score" };

function verdictOf(baseline: string, variant: string, m: MetricResult): string {
  if (m.status === "no data") return `No ${LABEL[m.metric]} data for both ${baseline} and ${variant} yet.`;
  if (m.status === "collecting") {
    const n = Math.min(m.baseline.n, m.variant.n);
    return m.required === null ? `Collecting: ${n} observations per variant so far; the baseline's spread is not known yet.`
      : `Collecting: ${n} of ${m.required} observations per variant (the fixed horizon). No verdict before it, so peeking cannot make a false winner.`;
  }
  if (m.status === "not significant") return `No significant difference in ${LABEL[m.metric]} (p = ${m.p!.toPrecision(2)}) at the horizon: keep ${baseline}, or test a larger change.`;
  const winner = m.better === "variant" ? variant : baseline;
  return `${winner} is better on ${LABEL[m.metric]} (p = ${m.p!.toPrecision(2)}).`;
}
