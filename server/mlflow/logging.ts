import { and, eq, sql } from "drizzle-orm";
import { runDatasetInputs, runTags } from "@/server/db/schema";
import { runTarget } from "@/server/api/rest/principal";
import type { MetricPoint } from "@/server/tracking/metric-input";
import { ingestCoalesced } from "@/server/tracking/ingest-coalescer";
import { queryMetricCharts } from "@/server/tracking/metric-charts";
import { ingestMetrics, metricHistory, type HistoryCursor } from "@/server/tracking/metrics";
import { auditRunWrite, logParams, setTags } from "@/server/tracking/runs";
import { mlflowRun } from "./runs";
import { int, invalid, keyValues, list, missing, runIdOf, str, type Fields, type MlflowHandler } from "./protocol";

/** MLflow's limits (mlflow/utils/validation.py). */
const MAX_KEY = 250, MAX_PARAM_VALUE = 6_000, MAX_TAG_VALUE = 8_000;
const MAX_METRICS = 1_000, MAX_PARAMS = 100, MAX_TAGS = 100, MAX_ENTITIES = 1_000;
const KEY_RE = /^[/\w.\- :]*$/;

function checkKey(kind: string, key: string) {
  if (key.length > MAX_KEY) throw invalid(`${kind} name '${key.slice(0, 50)}…' exceeded length limit of ${MAX_KEY}`);
  if (!KEY_RE.test(key) || key.startsWith("/") || key.split("/").includes("..")) {
    throw invalid(`Invalid ${kind.toLowerCase()} name: '${key}'. Names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), colon(:) and slashes (/), and may not start with a slash or contain '..'.`);
  }
}

const NON_FINITE = new Set(["NaN", "Infinity", "-Infinity", "nan", "inf", "-inf"]);

function metricOf(m: unknown, i: number): MetricPoint {
  if (typeof m !== "object" || m === null) throw invalid(`metrics[${i}] must be an object`);
  const f = m as Fields;
  const key = str(f, "key", { required: true })!;
  checkKey("Metric", key);
  const raw = f.value;
  const value = typeof raw === "number" ? raw : typeof raw === "string" && NON_FINITE.has(raw) ? (raw as MetricPoint["value"]) : typeof raw === "string" && raw.trim() !== "" && Number.isFinite(Number(raw)) ? Number(raw) : undefined;
  if (value === undefined) throw invalid(`Got invalid value ${JSON.stringify(raw)} for metric '${key}' (timestamp=${String(f.timestamp)}). Please specify value as a valid double (64-bit floating point)`);
  const timestamp = int(f, "timestamp", { required: true, min: 0, max: 253_402_300_799_999 })!;
  const step = int(f, "step") ?? 0;
  return { key, value, timestamp, step };
}

/**
 * What MLflow clients send most, made cheap: no run lookup first (the ingestion function itself
 * refuses a run outside the caller's organization), and concurrent points to one run written
 * together (group commit).
 */
export const logMetric: MlflowHandler = async (ctx) => {
  const runId = runIdOf(ctx.fields);
  const point = metricOf(ctx.fields, 0);
  try {
    await ingestCoalesced(ctx.db, runTarget(ctx.principal, runId, "run:update"), [point]);
  } catch (err) {
    if ((err as { kind?: string }).kind === "NOT_FOUND") throw missing(`Run '${runId}' not found`);
    throw err;
  }
};

export const logParameter: MlflowHandler = async (ctx) => {
  const run = await mlflowRun(ctx, runIdOf(ctx.fields), "run:update");
  const key = str(ctx.fields, "key", { required: true })!;
  checkKey("Param", key);
  await ctx.db.transaction(async (tx) => {
    await logParams(tx, run, { [key]: str(ctx.fields, "value", { max: MAX_PARAM_VALUE }) ?? "" });
    await auditRunWrite(tx, run, ctx.principal.actor, "run.params", { keys: [key] });
  });
};

export const setTag: MlflowHandler = async (ctx) => {
  const run = await mlflowRun(ctx, runIdOf(ctx.fields), "run:update");
  const key = str(ctx.fields, "key", { required: true })!;
  checkKey("Tag", key);
  await ctx.db.transaction(async (tx) => {
    await setTags(tx, run, { [key]: str(ctx.fields, "value", { max: MAX_TAG_VALUE }) ?? "" });
    await auditRunWrite(tx, run, ctx.principal.actor, "run.tags", { keys: [key] });
  });
};

export const deleteTag: MlflowHandler = async (ctx) => {
  const run = await mlflowRun(ctx, runIdOf(ctx.fields), "run:update");
  const key = str(ctx.fields, "key", { required: true })!;
  await ctx.db.transaction(async (tx) => {
    const gone = await tx.delete(runTags).where(and(eq(runTags.runId, run.id), eq(runTags.key, key))).returning();
    if (gone.length === 0) throw missing(`No tag with name: ${key} in run with id ${run.id}`);
    await auditRunWrite(tx, run, ctx.principal.actor, "run.tags.delete", { keys: [key] });
  });
};

/** log-batch: limits checked before anything is written; params, then metrics, then tags (MLflow's order). */
export const logBatch: MlflowHandler = async (ctx) => {
  const run = await mlflowRun(ctx, runIdOf(ctx.fields), "run:update");
  const metrics = list(ctx.fields, "metrics"), params = list(ctx.fields, "params"), tags = list(ctx.fields, "tags");
  if (metrics.length > MAX_METRICS) throw invalid(`A batch logging request can contain at most ${MAX_METRICS} metrics. Got ${metrics.length} metrics. Please split up metrics across multiple requests and try again.`);
  if (params.length > MAX_PARAMS) throw invalid(`A batch logging request can contain at most ${MAX_PARAMS} params. Got ${params.length} params. Please split up params across multiple requests and try again.`);
  if (tags.length > MAX_TAGS) throw invalid(`A batch logging request can contain at most ${MAX_TAGS} tags. Got ${tags.length} tags. Please split up tags across multiple requests and try again.`);
  const total = metrics.length + params.length + tags.length;
  if (total > MAX_ENTITIES) throw invalid(`A batch logging request can contain at most ${MAX_ENTITIES} total metrics, params, and tags. Got ${total}.`);
  const points = metrics.map(metricOf);
  const paramEntries = params.map((p, i) => keyValue(p, `params[${i}]`, "Param", MAX_PARAM_VALUE));
  const seen = new Set<string>();
  for (const [key] of paramEntries) {
    if (seen.has(key)) throw invalid(`Duplicate parameter keys have been submitted: ['${key}']. Please ensure the request contains only one param value per param key.`);
    seen.add(key);
  }
  const tagEntries = tags.map((t, i) => keyValue(t, `tags[${i}]`, "Tag", MAX_TAG_VALUE));
  if (paramEntries.length) {
    await ctx.db.transaction(async (tx) => {
      await logParams(tx, run, Object.fromEntries(paramEntries));
      await auditRunWrite(tx, run, ctx.principal.actor, "run.params", { keys: paramEntries.map(([k]) => k) });
    });
  }
  if (points.length) await ingestMetrics(ctx.db, { id: run.id, orgId: ctx.principal.org.id, attempt: ctx.principal.kind === "runToken" ? ctx.principal.attempt : null }, points);
  if (tagEntries.length) {
    await ctx.db.transaction(async (tx) => {
      await setTags(tx, run, Object.fromEntries(tagEntries)); // last wins for repeated keys
      await auditRunWrite(tx, run, ctx.principal.actor, "run.tags", { keys: [...new Set(tagEntries.map(([k]) => k))] });
    });
  }
};

function keyValue(entry: unknown, where: string, kind: string, maxValue: number): [string, string] {
  if (typeof entry !== "object" || entry === null) throw invalid(`${where} must be an object with key and value`);
  const key = str(entry as Fields, "key", { required: true })!;
  checkKey(kind, key);
  const value = str(entry as Fields, "value") ?? "";
  if (value.length > maxValue) throw invalid(`${kind} value '${value.slice(0, 50)}…' had length ${value.length}, which exceeded length limit of ${maxValue}`);
  return [key, value];
}

/** MLflow 2.x `log_model`: the model's metadata appended to the run's `mlflow.log-model.history` tag. */
export const logModel: MlflowHandler = async (ctx) => {
  const run = await mlflowRun(ctx, runIdOf(ctx.fields), "run:update");
  const modelJson = str(ctx.fields, "model_json", { required: true })!;
  let model: unknown;
  try { model = JSON.parse(modelJson); } catch { throw invalid("model_json is not valid JSON"); }
  await ctx.db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`log-model:${run.id}`}))`);
    const [existing] = await tx.select({ value: runTags.value }).from(runTags).where(and(eq(runTags.runId, run.id), eq(runTags.key, "mlflow.log-model.history")));
    const history = existing ? (JSON.parse(existing.value) as unknown[]) : [];
    await setTags(tx, run, { "mlflow.log-model.history": JSON.stringify([...history, model]) });
    await auditRunWrite(tx, run, ctx.principal.actor, "run.log-model", {});
  });
};

export const getMetricHistory: MlflowHandler = async (ctx) => {
  const run = await mlflowRun(ctx, runIdOf(ctx.fields), "run:read");
  const key = str(ctx.fields, "metric_key", { required: true })!;
  const max = int(ctx.fields, "max_results", { min: 1, max: 25_000_000 });
  const token = str(ctx.fields, "page_token");
  let after: HistoryCursor | undefined;
  if (token) {
    try { after = JSON.parse(Buffer.from(token, "base64").toString("utf8")) as HistoryCursor; } catch { throw invalid("Invalid page token"); }
    if (!Number.isSafeInteger(after?.step) || !Number.isFinite(after?.ts) || typeof after?.value !== "string") throw invalid("Invalid page token");
  }
  // Without max_results every point comes in one page (MLflow's contract), read in chunks.
  const points: Array<{ key: string; value: number | string | null; timestamp: number; step: number }> = [];
  let next: HistoryCursor | null = null;
  do {
    const page = await metricHistory(ctx.db, ctx.principal.org.id, run.id, key, { after, limit: Math.min((max ?? Infinity) - points.length, 100_000) });
    points.push(...page.points.map((p) => ({ key, value: p.value, timestamp: p.timestamp, step: p.step })));
    next = page.next;
    after = next ?? undefined;
  } while (next && (max === undefined || points.length < max));
  return { metrics: points, ...(max !== undefined && next ? { next_page_token: Buffer.from(JSON.stringify(next)).toString("base64") } : {}) };
};

/**
 * `metrics/get-history-bulk-interval` (what MLflow's own UI charts with): at most `max_results`
 * points per run over a step range. MLflow samples evenly spaced steps; here each point is the
 * last of one bucket, read from the rollups, so a long series costs the same as a short one.
 */
export const getMetricHistoryBulkInterval: MlflowHandler = async (ctx) => {
  const runIds = list(ctx.fields, "run_ids").map(String);
  if (runIds.length === 0) throw invalid("GetMetricHistoryBulkInterval request must specify at least one run_id.");
  if (runIds.length > 100) throw invalid(`GetMetricHistoryBulkInterval request cannot specify more than 100 run_ids. Received ${runIds.length} run_ids.`);
  const key = str(ctx.fields, "metric_key", { required: true })!;
  const start = int(ctx.fields, "start_step", { min: 0 });
  const end = int(ctx.fields, "end_step", { min: 0 });
  if ((start === undefined) !== (end === undefined)) throw invalid("If either start step or end step are specified, both must be specified.");
  if (start !== undefined && end !== undefined && end < start) throw invalid("end_step must be greater than start_step.");
  const max = int(ctx.fields, "max_results", { min: 1, max: 2_500 }) ?? 2_500;
  const runs = await Promise.all([...new Set(runIds)].map((id) => mlflowRun(ctx, id, "run:read")));
  const range = start !== undefined && end !== undefined ? { lo: start, hi: end } : undefined;
  const series = await queryMetricCharts(ctx.db, ctx.principal.org.id, { runIds: runs.map((r) => r.id), keys: [key], buckets: max, range });
  const metrics = series.flatMap((s) => s.points.map((p) => ({ key, value: p.last ?? "NaN", timestamp: p.time, step: p.step, run_id: s.runId })));
  metrics.sort((a, b) => (a.run_id < b.run_id ? -1 : a.run_id > b.run_id ? 1 : a.step - b.step || a.timestamp - b.timestamp));
  return { metrics };
};

/** `runs/log-inputs` (`mlflow.log_input`): the datasets a run read, by name and digest; a repeat is kept once. */
export const logInputs: MlflowHandler = async (ctx) => {
  const run = await mlflowRun(ctx, runIdOf(ctx.fields), "run:update");
  const inputs = list(ctx.fields, "datasets").map((entry, i) => {
    const d = (typeof entry === "object" && entry !== null ? (entry as Fields).dataset : undefined) as Fields | undefined;
    if (typeof d !== "object" || d === null) throw invalid(`'datasets[${i}].dataset' must be an object with name, digest, source_type and source`);
    return {
      runId: run.id, orgId: ctx.principal.org.id,
      name: str(d, "name", { required: true, max: 500 })!, digest: str(d, "digest", { required: true, max: 36 })!,
      sourceType: str(d, "source_type", { required: true, max: 36 })!, source: str(d, "source", { required: true, max: 65_535 })!,
      schema: str(d, "schema", { max: 1_048_576 }) ?? null, profile: str(d, "profile", { max: 16_384 }) ?? null,
      tags: keyValues(entry as Fields, "tags"),
    };
  });
  if (inputs.length === 0) return;
  await ctx.db.insert(runDatasetInputs).values(inputs).onConflictDoNothing();
};
