import { restRoute } from "@/server/api/rest/handler";
import { requireRun } from "@/server/api/rest/principal";
import { sseResponse } from "@/server/api/rest/sse";
import { isTerminal } from "@/server/runner/run-lifecycle";
import { readMetricsSince } from "@/server/tracking/metrics";
import { getRunRow } from "@/server/tracking/runs";

/** SSE of metric points as ingested; event id = ingestion sequence (resume with Last-Event-ID). */
export const GET = restRoute<{ runId: string }>(async ({ req, db, principal, params }) => {
  await requireRun(db, principal, params.runId, "run:read");
  const orgId = principal.org.id;
  return sseResponse(req, {
    initialCursor: 0,
    read: async (cursor) => {
      const { status } = await getRunRow(db, orgId, params.runId);
      const points = await readMetricsSince(db, orgId, params.runId, cursor, 2_000);
      return { events: points.map((p) => ({ id: p.seq, event: "metric", data: p })), done: isTerminal(status) };
    },
  });
});
