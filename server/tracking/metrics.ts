import { sql } from "drizzle-orm";
import type { Db, DbOrTx } from "@/server/db/client";
import { toDouble, type MetricPoint } from "./metric-input";

/**
 * Batch ingestion: one statement over unnest() arrays, ON CONFLICT DO NOTHING on
 * (run, attempt, key, step), so a replayed or overlapping batch adds nothing.
 *
 * Writers of one run take turns (a transaction-scoped advisory lock on the run): the stream's
 * cursor is the sequence number, drawn before commit, so without turns a reader could pass a
 * number whose row commits later and never see that row. With them, a committed number means
 * every smaller number of that run is committed too.
 */
export async function ingestMetrics(db: Db, run: { id: string; orgId: string; attempt: number }, points: MetricPoint[]): Promise<number> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${METRICS_LOCK_SPACE}, hashtext(${run.id}))`);
    return insertMetrics(tx, run, points);
  });
}

const METRICS_LOCK_SPACE = 7_304_112;

async function insertMetrics(db: DbOrTx, run: { id: string; orgId: string; attempt: number }, points: MetricPoint[]): Promise<number> {
  const now = Date.now();
  const keys = points.map((p) => p.key);
  const steps = points.map((p) => String(p.step));
  const times = points.map((p) => new Date(p.timestamp ?? now).toISOString());
  // Doubles as text so NaN/±Infinity survive the driver; Postgres parses 'NaN' and 'Infinity'.
  const values = points.map((p) => pgDoubleText(toDouble(p.value)));
  const result = await db.execute(sql`
    insert into metrics (run_id, org_id, attempt, key, step, ts, value)
    select ${run.id}::uuid, ${run.orgId}::uuid, ${run.attempt}, k, s, t, v
    from unnest(${pgArray(keys)}::text[], ${pgArray(steps)}::bigint[], ${pgArray(times)}::timestamptz[], ${pgArray(values)}::float8[]) as u(k, s, t, v)
    on conflict do nothing`);
  const inserted = (result as unknown as { count: number }).count;
  if (inserted > 0) await db.execute(sql`select pg_notify('anvil_metrics', ${run.id})`);
  return inserted;
}

function pgDoubleText(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Infinity) return "Infinity";
  if (v === -Infinity) return "-Infinity";
  return String(v);
}

/** A Postgres array literal; every element quoted, so no value can break out of it. */
function pgArray(values: string[]): string {
  return `{${values.map((v) => `"${v.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`).join(",")}}`;
}

export interface MetricBucket { step: number; time: number; min: number | null; max: number | null; last: number | null }
export interface MetricSeriesData { runId: string; key: string; points: MetricBucket[] }

/**
 * A chart-ready series: at most `buckets` points per key, each with min/max/last of its step
 * range (full fidelity at any zoom without shipping raw points). Non-finite values count as null.
 */
export async function queryMetricSeries(db: DbOrTx, orgId: string, runId: string, opts: { keys?: string[]; buckets: number; attempt?: number }): Promise<MetricSeriesData[]> {
  const keyFilter = opts.keys?.length ? sql`and key = any(${pgArray(opts.keys)}::text[])` : sql``;
  const attemptFilter = opts.attempt ? sql`and attempt = ${opts.attempt}` : sql`and attempt = (select attempt from runs where id = ${runId}::uuid)`;
  const rows = await db.execute(sql`
    with m as (
      select key, step, ts, value from metrics
      where run_id = ${runId}::uuid and org_id = ${orgId}::uuid ${attemptFilter} ${keyFilter}
    ), bounds as (
      select key, min(step) as lo, max(step) as hi from m group by key
    ), b as (
      select m.key, m.step, m.ts, m.value,
             case when bounds.hi = bounds.lo then 0
                  else least(${opts.buckets - 1}, floor((m.step - bounds.lo)::float8 * ${opts.buckets} / (bounds.hi - bounds.lo + 1))::int) end as bucket
      from m join bounds using (key)
    )
    select key, bucket,
           max(step)::float8 as step,
           extract(epoch from max(ts)) * 1000 as time,
           min(value) filter (where value not in ('NaN'::float8, 'Infinity'::float8, '-Infinity'::float8)) as min,
           max(value) filter (where value not in ('NaN'::float8, 'Infinity'::float8, '-Infinity'::float8)) as max,
           (array_agg(value order by step desc))[1] as last
    from b group by key, bucket order by key, bucket`);
  const series = new Map<string, MetricBucket[]>();
  for (const r of rows as unknown as Array<{ key: string; step: number; time: string; min: number | null; max: number | null; last: number | string | null }>) {
    const last = r.last === null ? null : Number(r.last);
    const points = series.get(r.key) ?? [];
    points.push({ step: Number(r.step), time: Number(r.time), min: r.min, max: r.max, last: last !== null && Number.isFinite(last) ? last : null });
    series.set(r.key, points);
  }
  return [...series.entries()].map(([key, points]) => ({ runId, key, points }));
}

/** Raw points ingested after a cursor (the ingestion sequence), for the SSE stream. */
export async function readMetricsSince(db: DbOrTx, orgId: string, runId: string, afterSeq: number, limit = 5_000) {
  const rows = await db.execute(sql`
    select seq, attempt, key, step, extract(epoch from ts) * 1000 as ts, value::text as value from metrics
    where run_id = ${runId}::uuid and org_id = ${orgId}::uuid and seq > ${afterSeq}
    order by seq limit ${limit}`);
  return (rows as unknown as Array<{ seq: string; attempt: number; key: string; step: string; ts: string; value: string }>).map((r) => ({
    seq: Number(r.seq), attempt: r.attempt, key: r.key, step: Number(r.step), timestamp: Number(r.ts), value: r.value,
  }));
}

export async function latestMetricValues(db: DbOrTx, orgId: string, runId: string) {
  const rows = await db.execute(sql`
    select distinct on (key) key, step, value::text as value from metrics
    where run_id = ${runId}::uuid and org_id = ${orgId}::uuid and attempt = (select attempt from runs where id = ${runId}::uuid)
    order by key, step desc`);
  return (rows as unknown as Array<{ key: string; step: string; value: string }>).map((r) => ({ key: r.key, step: Number(r.step), value: Number(r.value) }));
}
