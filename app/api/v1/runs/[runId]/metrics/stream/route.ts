import { restRoute } from "@/server/api/rest/handler";
import { requireRun } from "@/server/api/rest/principal";
import { sseResponse } from "@/server/api/rest/sse";
import { isTerminal } from "@/server/runner/run-lifecycle";
import { summariesSince } from "@/server/tracking/metrics";
import { getRunRow } from "@/server/tracking/runs";

/**
 * SSE of per-key summaries (last, min, max, count, step range) as they change; event id = the
 * summary's sequence (resume with Last-Event-ID). Charts refetch their buckets on an event; every
 * raw point is in the history (GET …/metrics/history).
 */
export const GET = restRoute<{ runId: string }>(async ({ req, db, principal, params }) => {
  await requireRun(db, principal, params.runId, "run:read");
  const orgId = principal.org.id;
  return sseResponse(req, {
    initialCursor: 0,
    read: async (cursor) => {
      const { status } = await getRunRow(db, orgId, params.runId);
      const changed = await summariesSince(db, orgId, params.runId, cursor);
      return { events: changed.map((s) => ({ id: s.seq, event: "metric", data: s })), done: isTerminal(status) };
    },
  });
});
