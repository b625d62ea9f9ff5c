import { restRoute } from "@/server/api/rest/handler";
import { requireRun } from "@/server/api/rest/principal";
import { queryMetricCharts } from "@/server/tracking/metric-charts";
import { getRunDetail } from "@/server/tracking/runs";

/** The job's latest metric values and each series, downsampled to `buckets` points (default 500). */
export const GET = restRoute<{ id: string }>(async ({ req, db, principal, params }) => {
  await requireRun(db, principal, params.id, "run:read");
  const url = new URL(req.url);
  const buckets = Math.min(2000, Math.max(10, Number(url.searchParams.get("buckets") ?? 500) || 500));
  const keys = url.searchParams.getAll("key");
  const [detail, series] = await Promise.all([
    getRunDetail(db, principal.org.id, params.id),
    queryMetricCharts(db, principal.org.id, { runIds: [params.id], keys, buckets }),
  ]);
  return Response.json({ latest: detail.latestMetrics, series });
});
