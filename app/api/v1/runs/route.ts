import { readJson, restRoute } from "@/server/api/rest/handler";
import { requirePermission } from "@/server/api/rest/principal";
import { ForbiddenError } from "@/server/errors";
import { startRunSchema } from "@/server/tracking/external-run-input";
import { startExternalRun } from "@/server/tracking/external-runs";

/**
 * Starts a run logged from the user's own code (SDKs): RUNNING at once, in a project and
 * experiment named in the body (created on first use). Log to it with the returned id.
 */
export const POST = restRoute(async ({ req, db, principal }) => {
  if (principal.kind === "runToken") throw new ForbiddenError("A run token logs to its own run only; use an API key to start runs");
  requirePermission(principal, "run:create");
  const input = startRunSchema.parse(await readJson(req));
  const run = await startExternalRun(db, principal.org, principal.actor, { ...input, heartbeatTimeout: input.heartbeatTimeout || null });
  const url = new URL(req.url);
  return Response.json({
    id: run.id, name: run.name, status: run.status, project: { id: run.project.id, slug: run.project.slug, name: run.project.name },
    experiment: { id: run.experiment.id, name: run.experiment.name }, url: `${url.origin}/${principal.org.slug}/training/${run.id}`,
  }, { status: 201 });
});
