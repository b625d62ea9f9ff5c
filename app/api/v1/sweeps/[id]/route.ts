import { restRoute } from "@/server/api/rest/handler";
import { refuseRunToken, requirePermission } from "@/server/api/rest/principal";
import { NotFoundError } from "@/server/errors";
import { getSweep } from "@/server/sweeps/sweeps";
import { idSchema } from "@/server/tenancy/validation";

/** The sweep with its trials (params, objectives, status), best trial and parameter importance. */
export const GET = restRoute<{ id: string }>(async ({ db, principal, params }) => {
  refuseRunToken(principal);
  requirePermission(principal, "run:read");
  if (!idSchema.safeParse(params.id).success) throw new NotFoundError("Sweep");
  return Response.json(await getSweep(db, principal.org.id, params.id));
});
