import { restRoute } from "@/server/api/rest/handler";
import { runTarget } from "@/server/api/rest/principal";
import { heartbeat } from "@/server/tracking/external-runs";

/** A sign of life from the client; answers whether someone asked the run to stop. */
export const POST = restRoute<{ runId: string }>(async ({ db, principal, params }) => {
  const run = runTarget(principal, params.runId, "run:update");
  return Response.json(await heartbeat(db, principal.org, principal.actor, run.id));
});
