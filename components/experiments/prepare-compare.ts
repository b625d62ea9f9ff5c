/** Pure preparation of the compare view's parallel-coordinates and scatter plots (render: recharts/SVG only). */

export type CellValue = string | number;
export interface RunRow { runId: string; name: string; values: Record<string, CellValue> }

/** One row per run: `params.<key>` and `metrics.<key>` (final values) → value. */
export function runRows(runs: Array<{ id: string; name: string }>, params: Array<{ run_id: string; key: string; value: CellValue }>,
  metrics: Array<{ run_id: string; key: string; value: CellValue }>): RunRow[] {
  const rows = new Map(runs.map((r) => [r.id, { runId: r.id, name: r.name, values: {} as Record<string, CellValue> }]));
  for (const p of params) { const row = rows.get(p.run_id); if (row) row.values[`params.${p.key}`] = p.value; }
  for (const m of metrics) { const row = rows.get(m.run_id); if (row) row.values[`metrics.${m.key}`] = m.value; }
  return [...rows.values()];
}

const asNumber = (v: CellValue | undefined) => (typeof v === "number" ? v : v !== undefined && v.trim() !== "" && Number.isFinite(Number(v)) ? Number(v) : null);

export interface Axis { key: string; kind: "number" | "category"; min: number; max: number; categories: string[] }

function axisOf(rows: RunRow[], key: string): Axis {
  const present = rows.map((r) => r.values[key]).filter((v): v is CellValue => v !== undefined);
  const numbers = present.map(asNumber);
  if (present.length > 0 && numbers.every((n) => n !== null && Number.isFinite(n))) {
    const ns = numbers as number[];
    return { key, kind: "number", min: Math.min(...ns), max: Math.max(...ns), categories: [] };
  }
  const categories = [...new Set(present.map(String))].sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
  return { key, kind: "category", min: 0, max: Math.max(0, categories.length - 1), categories };
}

/** Where a value sits on its axis, 0 (bottom) … 1 (top); null when the run has no value. A flat axis puts everyone in the middle. */
export function position(axis: Axis, v: CellValue | undefined): number | null {
  if (v === undefined) return null;
  const n = axis.kind === "number" ? asNumber(v) : axis.categories.indexOf(String(v));
  if (n === null || n < 0 || !Number.isFinite(n)) return null;
  return axis.max === axis.min ? 0.5 : (n - axis.min) / (axis.max - axis.min);
}

/**
 * Keys worth an axis: params whose values differ between the runs, then metrics; at most `limit`.
 * Constant params say nothing in a parallel-coordinates plot.
 */
export function defaultAxisKeys(rows: RunRow[], limit = 10): string[] {
  const keys = [...new Set(rows.flatMap((r) => Object.keys(r.values)))].sort();
  const differs = (k: string) => new Set(rows.map((r) => String(r.values[k] ?? ""))).size > 1;
  const params = keys.filter((k) => k.startsWith("params.") && differs(k));
  const metrics = keys.filter((k) => k.startsWith("metrics.") && !k.startsWith("metrics.system/"));
  return [...params.slice(0, Math.max(limit - Math.min(metrics.length, 3), 0)), ...metrics].slice(0, limit);
}

export interface ParallelLine { runId: string; name: string; ys: Array<number | null>; colour: number | null }

/** Axes for `keys` and one polyline per run; `colour` (0…1) follows the last axis, usually the objective metric. */
export function prepareParallel(rows: RunRow[], keys: string[]): { axes: Axis[]; lines: ParallelLine[] } {
  const axes = keys.map((k) => axisOf(rows, k));
  const lines = rows.map((r) => {
    const ys = axes.map((a) => position(a, r.values[a.key]));
    return { runId: r.runId, name: r.name, ys, colour: ys.length ? ys[ys.length - 1] : null };
  });
  return { axes, lines };
}

export interface ScatterPoint { runId: string; name: string; x: number; y: number }

/** Runs as points of `xKey` (a param; categories become 0, 1, 2 … with their labels) against `yKey` (a metric). */
export function prepareScatter(rows: RunRow[], xKey: string, yKey: string): { points: ScatterPoint[]; xCategories: string[] | null; skipped: number } {
  const xAxis = axisOf(rows, xKey);
  const points: ScatterPoint[] = [];
  for (const r of rows) {
    const xv = r.values[xKey];
    const x = xv === undefined ? null : xAxis.kind === "number" ? asNumber(xv) : xAxis.categories.indexOf(String(xv));
    const y = asNumber(r.values[yKey]);
    if (x !== null && y !== null && Number.isFinite(y)) points.push({ runId: r.runId, name: r.name, x, y });
  }
  return { points, xCategories: xAxis.kind === "category" ? xAxis.categories : null, skipped: rows.length - points.length };
}
