import { readJson, restRoute } from "@/server/api/rest/handler";
import { refuseRunToken, requirePermission } from "@/server/api/rest/principal";
import { NotFoundError } from "@/server/errors";
import { deleteQueue, getQueue, updateQueue } from "@/server/scheduling/pools";
import { queueInputSchema } from "@/server/scheduling/scheduling-input";
import { idSchema } from "@/server/tenancy/validation";

const queueId = (id: string) => {
  if (!idSchema.safeParse(id).success) throw new NotFoundError("Queue");
  return id;
};

export const GET = restRoute<{ id: string }>(async ({ db, principal, params }) => {
  refuseRunToken(principal);
  requirePermission(principal, "quota:read");
  return Response.json(await getQueue(db, principal.org.id, queueId(params.id)));
});

/** The whole queue again (same body as creating it); its quotas are replaced. */
export const PATCH = restRoute<{ id: string }>(async ({ req, db, principal, params }) => {
  refuseRunToken(principal);
  requirePermission(principal, "quota:update");
  await getQueue(db, principal.org.id, queueId(params.id));
  const input = queueInputSchema.parse(await readJson(req));
  return Response.json(await updateQueue(db, principal.org.id, principal.actor, params.id, input));
});

export const DELETE = restRoute<{ id: string }>(async ({ db, principal, params }) => {
  refuseRunToken(principal);
  requirePermission(principal, "quota:delete");
  await deleteQueue(db, principal.org.id, principal.actor, queueId(params.id));
  return new Response(null, { status: 204 });
});
