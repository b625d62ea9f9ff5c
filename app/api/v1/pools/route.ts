import { readJson, restRoute } from "@/server/api/rest/handler";
import { refuseRunToken, requirePermission } from "@/server/api/rest/principal";
import { createPool, listPools } from "@/server/scheduling/pools";
import { poolInputSchema } from "@/server/scheduling/scheduling-input";

/** GPU pools with what each holds now and who holds it. */
export const GET = restRoute(async ({ db, principal }) => {
  refuseRunToken(principal);
  requirePermission(principal, "quota:read");
  return Response.json({ pools: await listPools(db, principal.org.id) });
});

export const POST = restRoute(async ({ req, db, principal }) => {
  refuseRunToken(principal);
  requirePermission(principal, "quota:create");
  const input = poolInputSchema.parse(await readJson(req));
  return Response.json(await createPool(db, principal.org.id, principal.actor, input), { status: 201 });
});
