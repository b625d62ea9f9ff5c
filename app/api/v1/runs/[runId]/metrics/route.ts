import { readJson, restRoute } from "@/server/api/rest/handler";
import { requireRun, runTarget } from "@/server/api/rest/principal";
import { ValidationError } from "@/server/errors";
import { queryMetricCharts } from "@/server/tracking/metric-charts";
import { metricBatchSchema } from "@/server/tracking/metric-input";
import { ingestCoalesced } from "@/server/tracking/ingest-coalescer";

/** Batch ingestion; a replayed batch inserts nothing. Concurrent writes to one run go together. */
export const POST = restRoute<{ runId: string }>(async ({ req, db, principal, params }) => {
  const run = runTarget(principal, params.runId, "run:update");
  const batch = metricBatchSchema.parse(await readJson(req));
  const inserted = await ingestCoalesced(db, run, batch.metrics);
  return Response.json({ accepted: batch.metrics.length, inserted });
});

/** Chart-ready series: at most `buckets` min/max/last points per key, optionally for a step range. */
export const GET = restRoute<{ runId: string }>(async ({ req, db, principal, params }) => {
  await requireRun(db, principal, params.runId, "run:read");
  const url = new URL(req.url);
  const buckets = Math.min(2000, Math.max(10, Number(url.searchParams.get("buckets") ?? 500) || 500));
  const keys = url.searchParams.getAll("key");
  const range = stepRange(url.searchParams.get("from"), url.searchParams.get("to"));
  return Response.json({ series: await queryMetricCharts(db, principal.org.id, { runIds: [params.runId], keys, buckets, range }) });
});

function stepRange(from: string | null, to: string | null) {
  if (from === null && to === null) return undefined;
  const lo = Number(from), hi = Number(to);
  if (!Number.isSafeInteger(lo) || !Number.isSafeInteger(hi) || hi < lo) throw new ValidationError("from and to must be integer steps with from ≤ to");
  return { lo, hi };
}
