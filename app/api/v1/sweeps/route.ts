import { readJson, restRoute } from "@/server/api/rest/handler";
import { refuseRunToken, requirePermission } from "@/server/api/rest/principal";
import { createSweep, getSweep, listSweeps } from "@/server/sweeps/sweeps";

export const GET = restRoute(async ({ db, principal }) => {
  refuseRunToken(principal);
  requirePermission(principal, "run:read");
  return Response.json({ sweeps: await listSweeps(db, principal.org.id) });
});

/** Starts a sweep: the job every trial runs, the space, objectives, algorithm and budget (docs/api.md). */
export const POST = restRoute(async ({ req, db, principal }) => {
  refuseRunToken(principal);
  requirePermission(principal, "run:create");
  const sweep = await createSweep(db, principal.org, principal.actor, await readJson(req));
  return Response.json(await getSweep(db, principal.org.id, sweep.id), { status: 201 });
});
