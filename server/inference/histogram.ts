import { BUCKETS_MS } from "./gateway-state";

/**
 * The q-quantile of a histogram, interpolated linearly inside its bucket as Prometheus's
 * histogram_quantile does; in the open last bucket, its lower bound.
 */
export function histogramQuantile(counts: number[], q: number): number | null {
  const total = counts.reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  const rank = q * total;
  let seen = 0;
  for (let i = 0; i < counts.length; i++) {
    if (counts[i] > 0 && seen + counts[i] >= rank) {
      if (i >= BUCKETS_MS.length) return BUCKETS_MS.at(-1)!;
      const lo = i === 0 ? 0 : BUCKETS_MS[i - 1];
      return Math.round(lo + ((BUCKETS_MS[i] - lo) * (rank - seen)) / counts[i]);
    }
    seen += counts[i];
  }
  return null;
}
