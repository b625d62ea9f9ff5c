import { restRoute } from "@/server/api/rest/handler";
import { refuseRunToken, requirePermission } from "@/server/api/rest/principal";
import { NotFoundError } from "@/server/errors";
import { stopSweep } from "@/server/sweeps/sweeps";
import { idSchema } from "@/server/tenancy/validation";

/** No new trials; running ones are stopped; the sweep ends CANCELLED (202: the runner finishes it). */
export const POST = restRoute<{ id: string }>(async ({ db, principal, params }) => {
  refuseRunToken(principal);
  requirePermission(principal, "run:execute");
  if (!idSchema.safeParse(params.id).success) throw new NotFoundError("Sweep");
  await stopSweep(db, principal.org, principal.actor, params.id);
  return Response.json({ id: params.id, outcome: "stopping" }, { status: 202 });
});
