import { readJson, restRoute } from "@/server/api/rest/handler";
import { refuseRunToken, requirePermission } from "@/server/api/rest/principal";
import { NotFoundError, ValidationError } from "@/server/errors";
import { deletePool, getPool, poolHistory, updatePool } from "@/server/scheduling/pools";
import { poolInputSchema } from "@/server/scheduling/scheduling-input";
import { idSchema } from "@/server/tenancy/validation";

const poolId = (id: string) => {
  if (!idSchema.safeParse(id).success) throw new NotFoundError("Pool");
  return id;
};

/** The pool, its holders, and its allocations over the last `hours` (default 24) for utilisation. */
export const GET = restRoute<{ id: string }>(async ({ req, db, principal, params }) => {
  refuseRunToken(principal);
  requirePermission(principal, "quota:read");
  const hours = Number(new URL(req.url).searchParams.get("hours") ?? 24);
  if (!Number.isInteger(hours) || hours < 1 || hours > 24 * 90) throw new ValidationError("hours is a whole number from 1 to 2160");
  const pool = await getPool(db, principal.org.id, poolId(params.id));
  return Response.json({ ...pool, allocations: await poolHistory(db, principal.org.id, pool.id, hours) });
});

/** The whole pool again (same body as creating it). */
export const PATCH = restRoute<{ id: string }>(async ({ req, db, principal, params }) => {
  refuseRunToken(principal);
  requirePermission(principal, "quota:update");
  await getPool(db, principal.org.id, poolId(params.id));
  const input = poolInputSchema.parse(await readJson(req));
  return Response.json(await updatePool(db, principal.org.id, principal.actor, params.id, input));
});

export const DELETE = restRoute<{ id: string }>(async ({ db, principal, params }) => {
  refuseRunToken(principal);
  requirePermission(principal, "quota:delete");
  await deletePool(db, principal.org.id, principal.actor, poolId(params.id));
  return new Response(null, { status: 204 });
});
