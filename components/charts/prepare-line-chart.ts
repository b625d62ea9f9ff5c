/**
 * Pure data preparation for MetricLineChart: merges bucketed series on x, applies EMA smoothing and log
 * filtering, and computes domains. Kept free of React/recharts so it can be unit-tested and reused.
 */

export type MetricPoint = {
  step: number;
  /** Milliseconds since the epoch. */
  time: number;
  /** Bucket aggregates; null when the bucket's value was NaN/±Infinity or absent. */
  min: number | null;
  max: number | null;
  last: number | null;
};

export type MetricSeries = { runId: string; runName: string; key: string; points: MetricPoint[] };

/** Step, time since the series' first point ("relative", as W&B's Relative Time), or wall-clock time. */
export type XMode = "step" | "relative" | "time";

export type LineChartOptions = {
  x: XMode;
  /** 0 (off) … 0.99; values outside are clamped. */
  smoothing: number;
  logScale: boolean;
};

/** `x` plus, per series that has a bucket at this x, `r<i>` (line value) and `r<i>_band` ([min, max]). */
export type ChartRow = Record<string, number | null | [number, number]>;

export type ChartLine = {
  dataKey: string;
  bandKey: string;
  name: string;
  color: string;
  runId: string;
  metricKey: string;
};

export type PreparedLineChart = {
  rows: ChartRow[];
  lines: ChartLine[];
  xDomain: [number, number];
  yDomain: [number, number];
  /** Nice tick values for a linear axis; null on a log axis, where recharts' own ticks are fine. */
  yTicks: number[] | null;
  xLabel: string;
  /** No buckets at all: nothing has been logged yet. */
  empty: boolean;
  /** Some bucket has a drawable value (false when everything is NaN, or non-positive on a log scale). */
  plottable: boolean;
};

export const X_KEY = "x";
export const CHART_COLORS = Array.from({ length: 8 }, (_, i) => `var(--chart-${i + 1})`);
export const MAX_SMOOTHING = 0.99;

type Bucket = { min: number | null; max: number | null; last: number | null };

const isFiniteNumber = (v: number | null | undefined): v is number => typeof v === "number" && Number.isFinite(v);

/** Collapses buckets that land on the same x (e.g. two steps logged in the same millisecond). */
function bucketsByX(points: MetricPoint[], x: XMode): Array<[number, Bucket]> {
  const byX = new Map<number, Bucket>();
  // Relative time starts each series at 0, so runs started hours apart line up.
  const t0 = x === "relative" ? Math.min(...points.map((p) => p.time).filter(Number.isFinite)) : 0;
  for (const p of points) {
    const key = x === "step" ? p.step : p.time - t0;
    if (!Number.isFinite(key)) continue;
    const prev = byX.get(key);
    if (!prev) {
      byX.set(key, { min: p.min, max: p.max, last: p.last });
      continue;
    }
    const mins = [prev.min, p.min].filter(isFiniteNumber);
    const maxs = [prev.max, p.max].filter(isFiniteNumber);
    byX.set(key, {
      min: mins.length ? Math.min(...mins) : null,
      max: maxs.length ? Math.max(...maxs) : null,
      last: p.last,
    });
  }
  return [...byX.entries()].sort((a, b) => a[0] - b[0]);
}

/**
 * TensorBoard-style exponential moving average with debiasing: the first values are not dragged towards
 * 0 by the zero-initialised accumulator. Gaps (null) stay gaps and do not advance the average.
 */
export function smoothEma(values: Array<number | null>, smoothing: number): Array<number | null> {
  const w = Number.isFinite(smoothing) ? Math.min(Math.max(smoothing, 0), MAX_SMOOTHING) : 0;
  if (w === 0) return values.slice();
  let acc = 0;
  let n = 0;
  return values.map((v) => {
    if (v === null) return null;
    acc = acc * w + (1 - w) * v;
    n += 1;
    return acc / (1 - w ** n);
  });
}

function lineNames(series: MetricSeries[]): string[] {
  const sameKey = series.every((s) => s.key === series[0].key);
  const sameRun = series.every((s) => s.runId === series[0].runId);
  return series.map((s) => (sameKey ? s.runName : sameRun ? s.key : `${s.runName} · ${s.key}`));
}

/** Rounds to the nearest (geometrically) of 1, 2, 2.5 or 5 times a power of ten: steps people read at a glance. */
function niceStep(raw: number): number {
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const f = raw / magnitude;
  return (f < Math.SQRT2 ? 1 : f < Math.sqrt(5) ? 2 : f < Math.sqrt(12.5) ? 2.5 : f < Math.sqrt(50) ? 5 : 10) * magnitude;
}

// Multiples of a decimal step pick up float noise (0.30000000000000004) that would leak into tick labels.
const clean = (n: number) => Number(n.toPrecision(12));

/** About `count` nice ticks inside [lo, hi] (for axes drawn without recharts). */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const step = niceStep((hi - lo) / count);
  const out: number[] = [];
  for (let t = Math.ceil(lo / step); t * step <= hi + step * 1e-9; t++) out.push(clean(t * step));
  return out;
}

/** Pads by 5%, then rounds out to about five nice ticks, which recharts does not do for a fixed domain. */
function niceLinearAxis(lo: number, hi: number): { domain: [number, number]; ticks: number[] } {
  let min: number;
  let max: number;
  if (hi === lo) {
    [min, max] = lo === 0 ? [0, 1] : [lo - Math.abs(lo) * 0.1, hi + Math.abs(hi) * 0.1];
  } else {
    const pad = (hi - lo) * 0.05;
    // Don't let padding push an all-positive metric (loss, accuracy) below zero, or vice versa.
    min = lo >= 0 ? Math.max(0, lo - pad) : lo - pad;
    max = hi <= 0 ? Math.min(0, hi + pad) : hi + pad;
  }
  const step = niceStep((max - min) / 5);
  const first = Math.floor(min / step);
  const last = Math.ceil(max / step);
  const ticks = Array.from({ length: last - first + 1 }, (_, i) => clean((first + i) * step));
  return { domain: [ticks[0], ticks[ticks.length - 1]], ticks };
}

function paddedLogDomain(lo: number, hi: number): [number, number] {
  const decades = Math.log10(hi / lo);
  const factor = 10 ** (decades > 0 ? decades * 0.05 : 0.1);
  return [lo / factor, hi * factor];
}

function xDomainOf(xs: number[], x: XMode): [number, number] {
  if (xs.length === 0) return [0, 1];
  const lo = xs[0];
  const hi = xs[xs.length - 1];
  if (lo < hi) return [lo, hi];
  const pad = x === "step" ? 1 : 60_000;
  return [lo - pad, hi + pad];
}

export function prepareLineChart(series: MetricSeries[], opts: LineChartOptions): PreparedLineChart {
  const { x, smoothing, logScale } = opts;
  // On a log axis non-positive values cannot be drawn; treat them as gaps rather than clamping to a fake value.
  const usable = (v: number | null): number | null => (isFiniteNumber(v) && (!logScale || v > 0) ? v : null);

  const names = lineNames(series);
  const lines: ChartLine[] = series.map((s, i) => ({
    dataKey: `r${i}`,
    bandKey: `r${i}_band`,
    name: names[i],
    color: CHART_COLORS[i % CHART_COLORS.length],
    runId: s.runId,
    metricKey: s.key,
  }));

  const rowsByX = new Map<number, ChartRow>();
  // Log-scale bands whose min is non-positive are finished once the domain floor is known.
  const openBands: Array<{ row: ChartRow; key: string; hi: number }> = [];
  let yMin = Number.POSITIVE_INFINITY;
  let yMax = Number.NEGATIVE_INFINITY;
  const extend = (v: number) => {
    yMin = Math.min(yMin, v);
    yMax = Math.max(yMax, v);
  };

  series.forEach((s, i) => {
    const { dataKey, bandKey } = lines[i];
    const buckets = bucketsByX(s.points, x);
    const smoothed = smoothEma(
      buckets.map(([, b]) => usable(b.last)),
      smoothing,
    );
    buckets.forEach(([xValue, b], j) => {
      let row = rowsByX.get(xValue);
      if (!row) {
        row = { [X_KEY]: xValue };
        rowsByX.set(xValue, row);
      }
      const value = smoothed[j];
      row[dataKey] = value;
      if (value !== null) extend(value);

      const lo = usable(b.min);
      const hi = usable(b.max);
      row[bandKey] = null;
      if (hi === null || (lo === null && !(logScale && isFiniteNumber(b.min)))) return;
      extend(hi);
      if (lo === null) {
        // min ≤ 0 on a log axis: keep the envelope, reaching to the bottom edge, so it still signals that
        // values dipped below the visible range.
        openBands.push({ row, key: bandKey, hi });
        return;
      }
      extend(lo);
      row[bandKey] = [Math.min(lo, hi), Math.max(lo, hi)];
    });
  });

  const rows = [...rowsByX.values()].sort((a, b) => (a[X_KEY] as number) - (b[X_KEY] as number));
  const plottable = yMin <= yMax;
  let yDomain: [number, number] = logScale ? [1, 10] : [0, 1];
  let yTicks: number[] | null = null;
  if (plottable && logScale) yDomain = paddedLogDomain(yMin, yMax);
  if (plottable && !logScale) ({ domain: yDomain, ticks: yTicks } = niceLinearAxis(yMin, yMax));
  for (const { row, key, hi } of openBands) row[key] = [yDomain[0], hi];

  return {
    rows,
    lines,
    xDomain: xDomainOf(
      rows.map((r) => r[X_KEY] as number),
      x,
    ),
    yDomain,
    yTicks,
    xLabel: x === "step" ? "Step" : x === "relative" ? "Relative time" : "Time",
    empty: rows.length === 0,
    plottable,
  };
}

export type PointAt = { line: ChartLine; x: number; value: number | null; band: [number, number] | null };

/**
 * For a hovered x, each line's bucket at or just before it. Runs log on different steps, so an exact-x
 * lookup would show most runs as missing; the returned `x` lets the tooltip say which step it came from.
 */
export function pointsAt(prepared: Pick<PreparedLineChart, "rows" | "lines">, x: number): PointAt[] {
  const { rows, lines } = prepared;
  // Index of the last row with row.x ≤ x.
  let lo = 0;
  let hi = rows.length - 1;
  let idx = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if ((rows[mid][X_KEY] as number) <= x) {
      idx = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  const out: PointAt[] = [];
  for (const line of lines) {
    for (let j = idx; j >= 0; j--) {
      const row = rows[j];
      if (!Object.hasOwn(row, line.dataKey)) continue;
      const value = row[line.dataKey];
      const band = row[line.bandKey];
      out.push({
        line,
        x: row[X_KEY] as number,
        value: typeof value === "number" ? value : null,
        band: Array.isArray(band) ? band : null,
      });
      break;
    }
  }
  return out;
}

/** Rows holding a bucket of one series: drawing each line from its own rows keeps unequal x from creating gaps. */
export function rowsForLine(rows: ChartRow[], line: ChartLine): ChartRow[] {
  return rows.filter((row) => Object.hasOwn(row, line.dataKey));
}
