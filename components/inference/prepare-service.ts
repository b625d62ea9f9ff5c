/** Per-minute gateway stats → chart rows: requests, errors, p50/p95 latency and TTFT (ms). Pure. */
export const BOUNDS_MS = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000, 30_000];

/** The q-quantile of a histogram (counts per bucket, the last open-ended), as its bucket's upper bound. */
export function quantile(counts: number[], q: number): number | null {
  const total = counts.reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  let seen = 0;
  for (let i = 0; i < counts.length; i++) {
    seen += counts[i];
    if (seen >= q * total) return i < BOUNDS_MS.length ? BOUNDS_MS[i] : BOUNDS_MS.at(-1)! * 2;
  }
  return null;
}

export function prepareServiceCharts(stats: Array<{ minute: Date | string; requests: number; errors: number; promptTokens: number; completionTokens: number; latency: number[]; ttft: number[] }>) {
  return stats.map((m) => ({
    minute: new Date(m.minute).toISOString().slice(11, 16),
    requests: m.requests, errors: m.errors, tokens: m.promptTokens + m.completionTokens,
    latencyP50: quantile(m.latency, 0.5), latencyP95: quantile(m.latency, 0.95),
    ttftP50: quantile(m.ttft, 0.5), ttftP95: quantile(m.ttft, 0.95),
  }));
}
