import { readJson, restRoute } from "@/server/api/rest/handler";
import { refuseRunToken, requirePermission } from "@/server/api/rest/principal";
import { createQueue, listQueues } from "@/server/scheduling/pools";
import { queueInputSchema } from "@/server/scheduling/scheduling-input";

/** Queues with their quotas, GPUs in use per pool, and who waits, in order, with why. */
export const GET = restRoute(async ({ db, principal }) => {
  refuseRunToken(principal);
  requirePermission(principal, "quota:read");
  return Response.json({ queues: await listQueues(db, principal.org.id) });
});

export const POST = restRoute(async ({ req, db, principal }) => {
  refuseRunToken(principal);
  requirePermission(principal, "quota:create");
  const input = queueInputSchema.parse(await readJson(req));
  return Response.json(await createQueue(db, principal.org.id, principal.actor, input), { status: 201 });
});
