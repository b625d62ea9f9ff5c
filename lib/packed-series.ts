/**
 * Chart series in columns, values rounded to 6 significant digits: a third of the bytes of one
 * object per bucket, for pages that overlay many runs. Six digits are far finer than a chart's
 * pixels; exact values stay in tables and tooltips of single runs.
 */
export interface Bucket { step: number; time: number; min: number | null; max: number | null; last: number | null; n: number }
export interface PackedSeries { runId: string; key: string; startTime: number; step: number[]; time: number[]; min: Array<number | null>; max: Array<number | null>; last: Array<number | null>; n: number[] }

const round = (v: number | null) => (v === null || !Number.isFinite(v) ? v : Number(v.toPrecision(6)));

export function packSeries(series: Array<{ runId: string; key: string; startTime: number; points: Bucket[] }>): PackedSeries[] {
  return series.map((s) => ({
    runId: s.runId, key: s.key, startTime: s.startTime,
    step: s.points.map((p) => p.step), time: s.points.map((p) => p.time),
    min: s.points.map((p) => round(p.min)), max: s.points.map((p) => round(p.max)), last: s.points.map((p) => round(p.last)), n: s.points.map((p) => p.n),
  }));
}

export function unpackSeries(packed: PackedSeries[]) {
  return packed.map((s) => ({
    runId: s.runId, key: s.key, startTime: s.startTime,
    points: s.step.map((step, i): Bucket => ({ step, time: s.time[i], min: s.min[i], max: s.max[i], last: s.last[i], n: s.n[i] })),
  }));
}
