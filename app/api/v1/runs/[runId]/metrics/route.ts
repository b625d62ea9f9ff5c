import { readJson, restRoute } from "@/server/api/rest/handler";
import { requireRun } from "@/server/api/rest/principal";
import { metricBatchSchema } from "@/server/tracking/metric-input";
import { ingestMetrics, queryMetricSeries } from "@/server/tracking/metrics";

/** Batch ingestion; a replayed batch inserts nothing. */
export const POST = restRoute<{ runId: string }>(async ({ req, db, principal, params }) => {
  const run = await requireRun(db, principal, params.runId, "run:update");
  const batch = metricBatchSchema.parse(await readJson(req));
  const inserted = await ingestMetrics(db, run, batch.metrics);
  return Response.json({ accepted: batch.metrics.length, inserted });
});

/** Chart-ready series: at most `buckets` min/max/last points per key. */
export const GET = restRoute<{ runId: string }>(async ({ req, db, principal, params }) => {
  await requireRun(db, principal, params.runId, "run:read");
  const url = new URL(req.url);
  const buckets = Math.min(2000, Math.max(10, Number(url.searchParams.get("buckets") ?? 500) || 500));
  const keys = url.searchParams.getAll("key");
  return Response.json({ series: await queryMetricSeries(db, principal.org.id, params.runId, { keys, buckets }) });
});
