import { readJson, restRoute } from "@/server/api/rest/handler";
import { refuseRunToken, requirePermission } from "@/server/api/rest/principal";
import { registerClusterSchema } from "@/server/clusters/cluster-input";
import { deleteCluster, getCluster, updateCluster } from "@/server/clusters/clusters";
import { env } from "@/server/env";
import { NotFoundError } from "@/server/errors";
import { idSchema } from "@/server/tenancy/validation";
import { listJobs } from "@/server/training/job-views";

export const GET = restRoute<{ id: string }>(async ({ db, principal, params }) => {
  refuseRunToken(principal);
  requirePermission(principal, "cluster:read");
  if (!idSchema.safeParse(params.id).success) throw new NotFoundError("Cluster");
  const cluster = await getCluster(db, principal.org.id, params.id);
  const jobs = await listJobs(db, principal.org.id, { cluster: cluster.name, limit: 50 });
  return Response.json({ ...cluster, jobs });
});

/** New connection settings (same body as registering, same kind): a rotated token, a moved address. */
export const PATCH = restRoute<{ id: string }>(async ({ req, db, principal, params }) => {
  refuseRunToken(principal);
  requirePermission(principal, "cluster:update");
  if (!idSchema.safeParse(params.id).success) throw new NotFoundError("Cluster");
  await getCluster(db, principal.org.id, params.id); // another organization's cluster is not found, whatever the body says
  const input = registerClusterSchema.parse(await readJson(req));
  return Response.json(await updateCluster(db, principal.org, principal.actor, params.id, input, env.ANVIL_INSTALL_ID ?? "anvil"));
});

export const DELETE = restRoute<{ id: string }>(async ({ db, principal, params }) => {
  refuseRunToken(principal);
  requirePermission(principal, "cluster:delete");
  if (!idSchema.safeParse(params.id).success) throw new NotFoundError("Cluster");
  await deleteCluster(db, principal.org, principal.actor, params.id);
  return new Response(null, { status: 204 });
});
