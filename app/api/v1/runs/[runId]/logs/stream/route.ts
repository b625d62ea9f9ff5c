import { restRoute } from "@/server/api/rest/handler";
import { requireRun } from "@/server/api/rest/principal";
import { logStreamResponse } from "@/server/api/rest/run-streams";

/** SSE of the run's output; also reports status changes so a page knows when the run ends. */
export const GET = restRoute<{ runId: string }>(async ({ req, db, principal, params }) => {
  await requireRun(db, principal, params.runId, "run:read");
  return logStreamResponse(req, db, principal.org.id, params.runId);
});
