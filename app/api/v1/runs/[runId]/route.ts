import { requireRun } from "@/server/api/rest/principal";
import { readJson, restRoute } from "@/server/api/rest/handler";
import { NotFoundError } from "@/server/errors";
import { finishRunSchema } from "@/server/tracking/external-run-input";
import { finishExternalRun } from "@/server/tracking/external-runs";
import { getRunDetail } from "@/server/tracking/runs";

export const GET = restRoute<{ runId: string }>(async ({ db, principal, params }) => {
  await requireRun(db, principal, params.runId, "run:read");
  return Response.json(await getRunDetail(db, principal.org.id, params.runId));
});

/** The client reports how its run ended: FINISHED, FAILED or KILLED. */
export const PATCH = restRoute<{ runId: string }>(async ({ req, db, principal, params }) => {
  const run = await requireRun(db, principal, params.runId, "run:update");
  if (run.executor !== "external") throw new NotFoundError("Run logged from a client");
  const input = finishRunSchema.parse(await readJson(req));
  const ended = await finishExternalRun(db, principal.org, principal.actor, run.id, { state: input.status, endTime: input.endTime, message: input.message });
  return Response.json({ id: ended.id, status: ended.status });
});
