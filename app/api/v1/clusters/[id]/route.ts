import { restRoute } from "@/server/api/rest/handler";
import { refuseRunToken, requirePermission } from "@/server/api/rest/principal";
import { deleteCluster, getCluster } from "@/server/clusters/clusters";
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

export const DELETE = restRoute<{ id: string }>(async ({ db, principal, params }) => {
  refuseRunToken(principal);
  requirePermission(principal, "cluster:delete");
  if (!idSchema.safeParse(params.id).success) throw new NotFoundError("Cluster");
  await deleteCluster(db, principal.org, principal.actor, params.id);
  return new Response(null, { status: 204 });
});
