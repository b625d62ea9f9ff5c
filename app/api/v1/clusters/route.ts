import { readJson, restRoute } from "@/server/api/rest/handler";
import { refuseRunToken, requirePermission } from "@/server/api/rest/principal";
import { registerClusterSchema } from "@/server/clusters/cluster-input";
import { listClusters, registerCluster } from "@/server/clusters/clusters";
import { env } from "@/server/env";
import { ForbiddenError } from "@/server/errors";

export const GET = restRoute(async ({ db, principal }) => {
  refuseRunToken(principal);
  requirePermission(principal, "cluster:read");
  return Response.json({ clusters: await listClusters(db, principal.org.id) });
});

/** Registers a Ray dashboard or a Kubernetes API server with KubeRay, and probes it once. */
export const POST = restRoute(async ({ req, db, principal }) => {
  if (principal.kind === "runToken") throw new ForbiddenError("A run token cannot register clusters");
  requirePermission(principal, "cluster:create");
  const input = registerClusterSchema.parse(await readJson(req));
  return Response.json(await registerCluster(db, principal.org, principal.actor, input, env.ANVIL_INSTALL_ID ?? "anvil"), { status: 201 });
});
