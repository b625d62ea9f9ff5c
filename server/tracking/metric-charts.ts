import { sql } from "drizzle-orm";
import type { DbOrTx } from "@/server/db/client";
import { metricSummaries, pgArray, type MetricSummary } from "./metrics";

/** Tiles are 8^level steps wide (migration 0005); level 0 is the raw table. */
export const ROLLUP_BITS = 3;
export const MAX_LEVEL = 7;

export interface MetricBucket { step: number; time: number; min: number | null; max: number | null; last: number | null; n: number }
export interface MetricSeriesData { runId: string; key: string; startTime: number; points: MetricBucket[] }
export interface ChartQuery { runIds: string[]; keys?: string[]; buckets: number; range?: { lo: number; hi: number } }

/**
 * The level whose tiles are as wide as possible while still no wider than a bucket: the query
 * then reads between `buckets` and 8×`buckets` rows, whatever the series' length.
 */
export function chooseLevel(span: number, buckets: number): number {
  let level = 0;
  while (level < MAX_LEVEL && 8 ** (level + 1) * buckets <= span) level++;
  return level;
}

/**
 * Chart-ready series for many runs on one shared x range: at most `buckets` points per
 * (run, key), each with the min/max of its bucket (spikes survive) and the last value. Buckets
 * are computed in SQL from the rollup level that fits the range; zooming reads a finer level.
 * A series whose points all share one step (MLflow clients logging without a step) is bucketed
 * by time instead.
 */
export async function queryMetricCharts(db: DbOrTx, orgId: string, q: ChartQuery): Promise<MetricSeriesData[]> {
  const summaries = await metricSummaries(db, orgId, q.runIds, q.keys);
  if (summaries.length === 0) return [];
  const stepped = summaries.filter((s) => s.lastStep > s.firstStep || s.n === 1);
  const timed = summaries.filter((s) => !(s.lastStep > s.firstStep || s.n === 1));
  const out: MetricSeriesData[] = [];
  for (const [key, group] of groupBy(stepped, (s) => s.key)) {
    const lo = q.range?.lo ?? Math.min(...group.map((s) => s.firstStep));
    const hi = q.range?.hi ?? Math.max(...group.map((s) => s.lastStep));
    if (hi < lo) continue;
    out.push(...(await steppedBuckets(db, orgId, key, group, lo, hi, q.buckets)));
  }
  for (const s of timed) out.push(await timedBuckets(db, orgId, s, q.buckets));
  return out;
}

type BucketRow = { run_id: string; step: string; time: string; vmin: number | null; vmax: number | null; last: string; n: string };

const toBucket = (r: BucketRow): MetricBucket => {
  const last = Number(r.last);
  return { step: Number(r.step), time: Math.round(Number(r.time)), min: r.vmin, max: r.vmax, last: Number.isFinite(last) ? last : null, n: Number(r.n) };
};

async function steppedBuckets(db: DbOrTx, orgId: string, key: string, group: MetricSummary[], lo: number, hi: number, buckets: number): Promise<MetricSeriesData[]> {
  const span = hi - lo + 1;
  const level = chooseLevel(span, buckets);
  const runIds = pgArray(group.map((s) => s.runId));
  const attempts = pgArray(group.map((s) => String(s.attempt)));
  const shift = ROLLUP_BITS * level;
  const width = 2 ** shift;
  // Whole tiles inside [lo, hi] come from the rollups; the partial tiles at either edge from the
  // raw points (fewer than two tiles' worth), so a zoomed chart holds exactly its range.
  const fullLo = level === 0 ? 1 : Math.ceil(lo / width);
  const fullHi = level === 0 ? 0 : Math.floor((hi + 1) / width) - 1;
  const whole = fullLo <= fullHi;
  const rawRanges = (whole ? [[lo, fullLo * width - 1], [(fullHi + 1) * width, hi]] : [[lo, hi]]).filter(([a, b]) => a <= b);
  const finite = (col: string) => sql.raw(`case when ${col} in ('NaN', 'Infinity', '-Infinity') then null else ${col} end`);
  // One branch per step range: an OR of ranges would turn the index range scan into a filter.
  const rawPieces = rawRanges.map(([a, b]) => sql`
      select m.run_id, m.step as start, m.step as last_step, m.ts as last_ts, m.value as last_value, ${finite("m.value")} as vmin, ${finite("m.value")} as vmax, 1 as n
      from metrics m join runs_at ra on ra.run_id = m.run_id and ra.attempt = m.attempt
      where m.run_id = any(${runIds}::uuid[]) and m.org_id = ${orgId}::uuid and m.key = ${key} and m.step between ${a} and ${b}`);
  const tilePieces = whole ? [sql`
      select r.run_id, r.tile << ${shift}::int as start, r.last_step, r.last_ts, r.last_value, r.vmin, r.vmax, r.n
      from metric_rollups r join runs_at ra on ra.run_id = r.run_id and ra.attempt = r.attempt
      where r.run_id = any(${runIds}::uuid[]) and r.org_id = ${orgId}::uuid and r.key = ${key} and r.level = ${level} and r.tile between ${fullLo} and ${fullHi}`] : [];
  const rows = (await db.execute(sql`
    with runs_at as (select * from unnest(${runIds}::uuid[], ${attempts}::int[]) as a(run_id, attempt)),
    pieces as (${sql.join([...rawPieces, ...tilePieces], sql` union all `)})
    select run_id, floor((start - ${lo}::bigint)::float8 * ${buckets} / ${span})::int as b,
           max(last_step) as step, extract(epoch from max(last_ts)) * 1000 as time, min(vmin) as vmin, max(vmax) as vmax,
           ((max(array[last_step::float8, extract(epoch from last_ts)::float8, last_value]))[3])::text as last, sum(n) as n
    from pieces group by 1, 2 order by 1, 2`)) as unknown as BucketRow[];
  const byRun = groupBy(rows, (r) => r.run_id);
  return group.map((s) => ({ runId: s.runId, key, startTime: s.firstTime, points: (byRun.get(s.runId) ?? []).map(toBucket) }));
}

async function timedBuckets(db: DbOrTx, orgId: string, s: MetricSummary, buckets: number): Promise<MetricSeriesData> {
  const t0 = s.firstTime;
  const width = Math.max(1, s.lastTime - t0 + 1);
  const rows = await db.execute(sql`
    select run_id, floor((extract(epoch from ts) * 1000 - ${t0}) * ${buckets} / ${width})::int as b,
           max(step) as step, extract(epoch from max(ts)) * 1000 as time,
           min(value) filter (where value not in ('NaN', 'Infinity', '-Infinity')) as vmin,
           max(value) filter (where value not in ('NaN', 'Infinity', '-Infinity')) as vmax,
           ((max(array[extract(epoch from ts)::float8, value]))[2])::text as last, count(*) as n
    from metrics where org_id = ${orgId}::uuid and run_id = ${s.runId}::uuid and attempt = ${s.attempt} and key = ${s.key}
    group by 1, 2 order by 1, 2`) as unknown as BucketRow[];
  return { runId: s.runId, key: s.key, startTime: t0, points: rows.map(toBucket) };
}

function groupBy<T>(items: T[], keyOf: (item: T) => string): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const item of items) {
    const list = map.get(keyOf(item));
    if (list) list.push(item); else map.set(keyOf(item), [item]);
  }
  return map;
}
