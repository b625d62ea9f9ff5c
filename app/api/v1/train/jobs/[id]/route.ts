import { restRoute } from "@/server/api/rest/handler";
import { requirePermission, requireRun } from "@/server/api/rest/principal";
import { env } from "@/server/env";
import { isTerminal, type RunStatus } from "@/server/runner/run-lifecycle";
import { deleteJob, getJob } from "@/server/training/job-views";

export const GET = restRoute<{ id: string }>(async ({ db, principal, params }) => {
  await requireRun(db, principal, params.id, "run:read");
  return Response.json(await getJob(db, principal.org.id, params.id));
});

/** A running job is stopped (202, it ends CANCELLED); a finished one is deleted (restorable until purged). */
export const DELETE = restRoute<{ id: string }>(async ({ db, principal, params }) => {
  const run = await requireRun(db, principal, params.id, "run:read");
  requirePermission(principal, isTerminal(run.status as RunStatus) ? "run:delete" : "run:execute");
  const outcome = await deleteJob(db, principal.org, principal.actor, params.id, env.ANVIL_INSTALL_ID ?? "anvil");
  return Response.json({ id: params.id, outcome }, { status: outcome === "stopping" ? 202 : 200 });
});
