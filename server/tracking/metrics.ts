import { sql } from "drizzle-orm";
import type { DbOrTx } from "@/server/db/client";
import { NotFoundError } from "@/server/errors";
import { toDouble, type MetricPoint } from "./metric-input";

/**
 * Batch ingestion in one round trip (`anvil_ingest_metrics`, migration 0005): the run's turn,
 * the raw rows (a replayed point inserts nothing), the rollup tiles and per-key summaries built
 * from the rows actually inserted, and the external run's heartbeat.
 *
 * Writers of one run take turns (a transaction-scoped advisory lock on the run): the live
 * stream's cursor is the summary sequence number, drawn before commit, so without turns a reader
 * could pass a number whose row commits later and never see that update.
 *
 * `attempt` null = the run's current attempt (API keys); a run token writes to its own attempt.
 */
export async function ingestMetrics(db: DbOrTx, run: { id: string; orgId: string; attempt: number | null }, points: MetricPoint[]): Promise<number> {
  const keys = points.map((p) => p.key);
  const steps = points.map((p) => String(p.step));
  const times = points.map((p) => (p.timestamp === undefined ? null : new Date(p.timestamp).toISOString()));
  // Doubles as text so NaN/±Infinity survive the driver; Postgres parses 'NaN' and 'Infinity'.
  const values = points.map((p) => pgDoubleText(toDouble(p.value)));
  const [row] = await db.execute(sql`
    select anvil_ingest_metrics(${run.id}::uuid, ${run.orgId}::uuid, ${run.attempt}::int,
      ${pgArray(keys)}::text[], ${pgArray(steps)}::bigint[], ${pgArray(times)}::timestamptz[], ${pgArray(values)}::float8[]) as n`) as unknown as Array<{ n: number }>;
  if (row.n < 0) throw new NotFoundError("Run");
  return row.n;
}

function pgDoubleText(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Infinity) return "Infinity";
  if (v === -Infinity) return "-Infinity";
  return String(v);
}

/** A Postgres array literal; every element quoted (null = NULL), so no value can break out of it. */
export function pgArray(values: readonly (string | null)[]): string {
  return `{${values.map((v) => (v === null ? "NULL" : `"${v.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`)).join(",")}}`;
}

/** JSON cannot carry NaN/±Infinity: numbers when finite, else the strings MLflow uses. */
export function jsonDouble(v: number | string | null): number | string | null {
  if (v === null) return null;
  const n = Number(v);
  if (Number.isFinite(n)) return n;
  if (Number.isNaN(n)) return "NaN";
  return n > 0 ? "Infinity" : "-Infinity";
}

export interface MetricSummary {
  runId: string; key: string; attempt: number; n: number; firstStep: number; lastStep: number;
  firstTime: number; lastTime: number; last: number | string | null; min: number | null; max: number | null; seq: number;
}

interface SummaryRow {
  run_id: string; key: string; attempt: number; n: string; first_step: string; last_step: string;
  first_ts: string; last_ts: string; last_value: string; vmin: number | null; vmax: number | null; seq: string;
}

const toSummary = (r: SummaryRow): MetricSummary => ({
  runId: r.run_id, key: r.key, attempt: r.attempt, n: Number(r.n), firstStep: Number(r.first_step), lastStep: Number(r.last_step),
  firstTime: Number(r.first_ts), lastTime: Number(r.last_ts), last: jsonDouble(r.last_value), min: r.vmin, max: r.vmax, seq: Number(r.seq),
});

const summaryColumns = sql`run_id, key, attempt, n, first_step, last_step, extract(epoch from first_ts) * 1000 as first_ts,
  extract(epoch from last_ts) * 1000 as last_ts, last_value::text as last_value, vmin, vmax, seq`;

/** Last/min/max/count per key of each run's current attempt (what tables and search read). */
export async function metricSummaries(db: DbOrTx, orgId: string, runIds: string[], keys?: string[]): Promise<MetricSummary[]> {
  if (runIds.length === 0) return [];
  const keyFilter = keys?.length ? sql`and key = any(${pgArray(keys)}::text[])` : sql``;
  const rows = await db.execute(sql`select ${summaryColumns} from run_metric_summaries
    where org_id = ${orgId}::uuid and run_id = any(${pgArray(runIds)}::uuid[]) ${keyFilter} order by run_id, key`);
  return (rows as unknown as SummaryRow[]).map(toSummary);
}

/** Summaries updated after a cursor (their sequence), for the live stream. */
export async function summariesSince(db: DbOrTx, orgId: string, runId: string, afterSeq: number, limit = 1_000): Promise<MetricSummary[]> {
  const rows = await db.execute(sql`select ${summaryColumns} from run_metric_summaries
    where org_id = ${orgId}::uuid and run_id = ${runId}::uuid and seq > ${afterSeq} order by seq limit ${limit}`);
  return (rows as unknown as SummaryRow[]).map(toSummary);
}

export interface HistoryCursor { step: number; ts: number; value: string }
export interface RawPoint { step: number; timestamp: number; value: number | string | null }

/**
 * Every point of one key (the current attempt), in (step, time) order, keyset-paged: what
 * MLflow's get-history and the SDKs read.
 */
export async function metricHistory(db: DbOrTx, orgId: string, runId: string, key: string, page: { after?: HistoryCursor; limit: number }) {
  const after = page.after ? sql`and (step, ts, value) > (${page.after.step}, to_timestamp(${page.after.ts} / 1000.0), ${page.after.value}::float8)` : sql``;
  const rows = await db.execute(sql`
    select step, extract(epoch from ts) * 1000 as ts, value::text as value from metrics
    where org_id = ${orgId}::uuid and run_id = ${runId}::uuid and key = ${key}
      and attempt = (select attempt from runs where id = ${runId}::uuid and org_id = ${orgId}::uuid) ${after}
    order by step, ts, value limit ${page.limit + 1}`) as unknown as Array<{ step: string; ts: string; value: string }>;
  const points: RawPoint[] = rows.slice(0, page.limit).map((r) => ({ step: Number(r.step), timestamp: Math.round(Number(r.ts)), value: jsonDouble(r.value) }));
  const more = rows.length > page.limit;
  const last = rows[page.limit - 1];
  return { points, next: more ? { step: Number(last.step), ts: Math.round(Number(last.ts)), value: last.value } : null };
}

export async function latestMetricValues(db: DbOrTx, orgId: string, runId: string) {
  return (await metricSummaries(db, orgId, [runId])).map((s) => ({ key: s.key, step: s.lastStep, value: s.last, min: s.min, max: s.max, count: s.n }));
}
