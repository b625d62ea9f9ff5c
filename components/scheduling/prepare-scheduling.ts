/** Chart data for pools and costs: pure, so it is tested without a browser. */

export interface HeldInterval { gpus: number; start: Date | string; end: Date | string | null }

/**
 * GPUs held in each of `buckets` equal slices of [from, to): the time-weighted average, so a
 * job that held 4 GPUs for half a slice counts 2. Intervals still open run to `to`.
 */
export function utilisationSeries(held: HeldInterval[], from: number, to: number, buckets: number): Array<{ t: number; gpus: number }> {
  const width = (to - from) / buckets;
  const out = Array.from({ length: buckets }, (_, i) => ({ t: from + i * width, gpus: 0 }));
  for (const h of held) {
    const start = Math.max(from, new Date(h.start).getTime());
    const end = Math.min(to, h.end ? new Date(h.end).getTime() : to);
    if (end <= start) continue;
    for (let i = Math.floor((start - from) / width); i < buckets && from + i * width < end; i++) {
      const lo = Math.max(start, from + i * width);
      const hi = Math.min(end, from + (i + 1) * width);
      if (hi > lo) out[i].gpus += (h.gpus * (hi - lo)) / width;
    }
  }
  return out.map((b) => ({ t: b.t, gpus: Math.round(b.gpus * 100) / 100 }));
}

/** The share of the pool's capacity used over the window, 0–1. */
export function averageUtilisation(series: Array<{ gpus: number }>, capacity: number): number {
  if (series.length === 0 || capacity <= 0) return 0;
  return series.reduce((n, b) => n + b.gpus, 0) / series.length / capacity;
}
