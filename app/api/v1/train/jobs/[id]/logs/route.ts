import { restRoute } from "@/server/api/rest/handler";
import { requireRun } from "@/server/api/rest/principal";
import { logStreamResponse } from "@/server/api/rest/run-streams";

/** The job's output as Server-Sent Events (`event: log`), from the start; ends with the job. */
export const GET = restRoute<{ id: string }>(async ({ req, db, principal, params }) => {
  await requireRun(db, principal, params.id, "run:read");
  return logStreamResponse(req, db, principal.org.id, params.id);
});
