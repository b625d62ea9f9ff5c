import { requireRun } from "@/server/api/rest/principal";
import { restRoute } from "@/server/api/rest/handler";
import { getRunDetail } from "@/server/tracking/runs";

export const GET = restRoute<{ runId: string }>(async ({ db, principal, params }) => {
  await requireRun(db, principal, params.runId, "run:read");
  return Response.json(await getRunDetail(db, principal.org.id, params.runId));
});
