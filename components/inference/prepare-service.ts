/** Per-minute gateway stats per variant → chart rows and per-variant totals. Pure. */
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

export interface MinuteStats { minute: Date | string; variant: string; requests: number; errors: number; promptTokens: number; completionTokens: number; latency: number[]; ttft: number[] }

const add = (a: number[], b: number[]) => b.map((v, i) => v + (a[i] ?? 0));

/** One row per minute; per variant `requests:<v>`, `errors:<v>`, `latencyP50:<v>`, `latencyP95:<v>`, `ttftP50:<v>`, `ttftP95:<v>`, `tokens:<v>`. */
export function prepareServiceCharts(stats: MinuteStats[]) {
  const rows = new Map<string, Record<string, string | number | null>>();
  for (const m of stats) {
    const minute = new Date(m.minute).toISOString().slice(11, 16);
    const row = rows.get(minute) ?? { minute };
    Object.assign(row, {
      [`requests:${m.variant}`]: m.requests, [`errors:${m.variant}`]: m.errors, [`tokens:${m.variant}`]: m.promptTokens + m.completionTokens,
      [`latencyP50:${m.variant}`]: quantile(m.latency, 0.5), [`latencyP95:${m.variant}`]: quantile(m.latency, 0.95),
      [`ttftP50:${m.variant}`]: quantile(m.ttft, 0.5), [`ttftP95:${m.variant}`]: quantile(m.ttft, 0.95),
    });
    rows.set(minute, row);
  }
  return [...rows.values()].sort((a, b) => String(a.minute).localeCompare(String(b.minute)));
}

/** Each variant over the whole window: requests, error rate, latency and TTFT percentiles, tokens. */
export function variantTotals(stats: MinuteStats[], variants: string[]) {
  const names = [...new Set([...variants, ...stats.map((m) => m.variant)])];
  return names.map((variant) => {
    const mine = stats.filter((m) => m.variant === variant);
    const requests = mine.reduce((a, m) => a + m.requests, 0);
    const errors = mine.reduce((a, m) => a + m.errors, 0);
    const latency = mine.reduce<number[]>((a, m) => add(a, m.latency), []);
    const ttft = mine.reduce<number[]>((a, m) => add(a, m.ttft), []);
    return {
      variant, current: variants.includes(variant), requests, errors, errorRate: requests ? errors / requests : null,
      latencyP50: quantile(latency, 0.5), latencyP95: quantile(latency, 0.95), ttftP50: quantile(ttft, 0.5), ttftP95: quantile(ttft, 0.95),
      promptTokens: mine.reduce((a, m) => a + m.promptTokens, 0), completionTokens: mine.reduce((a, m) => a + m.completionTokens, 0),
    };
  });
}
