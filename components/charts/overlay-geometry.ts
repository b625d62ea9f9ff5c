/** Pure geometry of the overlay plot (many runs, lines only): scales, ticks and SVG paths. */
import { niceTicks, X_KEY, type ChartRow } from "./prepare-line-chart";

export type Scale = (v: number) => number;

/** Maps a domain onto pixels; a log scale maps decades evenly (values ≤ 0 never reach it: they are gaps). */
export function scaleOf([d0, d1]: [number, number], [r0, r1]: [number, number], log = false): Scale {
  const f = log ? Math.log10 : (v: number) => v;
  const a = f(d0);
  const span = f(d1) - a || 1;
  return (v) => r0 + ((f(v) - a) / span) * (r1 - r0);
}

/** Ticks for an axis: nice steps on a linear one, powers of ten (or the ends, within one decade) on a log one. */
export function axisTicks([lo, hi]: [number, number], log = false, count = 5): number[] {
  if (!log) return niceTicks(lo, hi, count);
  const out: number[] = [];
  for (let e = Math.ceil(Math.log10(lo)); 10 ** e <= hi; e++) out.push(10 ** e);
  return out.length >= 2 ? out : [lo, hi];
}

/** One line's path through its rows; a null value (NaN, or ≤ 0 on a log axis) breaks the line. */
export function linePath(rows: ChartRow[], dataKey: string, sx: Scale, sy: Scale): string {
  let d = "";
  let pen = false;
  for (const row of rows) {
    const v = row[dataKey];
    if (typeof v !== "number") { pen = false; continue; }
    d += `${pen ? "L" : "M"}${sx(row[X_KEY] as number).toFixed(1)},${sy(v).toFixed(1)}`;
    pen = true;
  }
  return d;
}
