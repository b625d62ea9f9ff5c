import { restRoute } from "@/server/api/rest/handler";
import { refuseRunToken, requirePermission } from "@/server/api/rest/principal";
import { checkCluster } from "@/server/clusters/clusters";
import { env } from "@/server/env";
import { NotFoundError } from "@/server/errors";
import { idSchema } from "@/server/tenancy/validation";

/** Probes the cluster now and returns what it answered (health, Ray version, last error). */
export const POST = restRoute<{ id: string }>(async ({ db, principal, params }) => {
  refuseRunToken(principal);
  requirePermission(principal, "cluster:update");
  if (!idSchema.safeParse(params.id).success) throw new NotFoundError("Cluster");
  return Response.json(await checkCluster(db, principal.org.id, params.id, env.ANVIL_INSTALL_ID ?? "anvil"));
});
