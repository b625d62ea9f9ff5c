import { restRoute } from "@/server/api/rest/handler";
import { requireRun } from "@/server/api/rest/principal";
import { sseResponse } from "@/server/api/rest/sse";
import { isTerminal } from "@/server/runner/run-lifecycle";
import { readRunLogs } from "@/server/tracking/logs";
import { getRunRow } from "@/server/tracking/runs";

/** SSE of the run's output; also reports status changes so a page knows when the run ends. */
export const GET = restRoute<{ runId: string }>(async ({ req, db, principal, params }) => {
  await requireRun(db, principal, params.runId, "run:read");
  const orgId = principal.org.id;
  return sseResponse(req, {
    initialCursor: 0,
    read: async (cursor) => {
      const { status } = await getRunRow(db, orgId, params.runId);
      const chunks = await readRunLogs(db, orgId, params.runId, cursor, 500);
      return { events: chunks.map((c) => ({ id: c.id, event: "log", data: { text: c.text, attempt: c.attempt, at: c.at } })), done: isTerminal(status) };
    },
  });
});
