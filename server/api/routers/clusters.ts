import { z } from "zod";
import { registerClusterSchema } from "@/server/clusters/cluster-input";
import { checkCluster, deleteCluster, getCluster, listClusters, registerCluster, updateCluster } from "@/server/clusters/clusters";
import { env } from "@/server/env";
import { idSchema } from "@/server/tenancy/validation";
import { listJobs } from "@/server/training/job-views";
import { createTRPCRouter, orgProcedure } from "../trpc";

const installId = () => env.ANVIL_INSTALL_ID ?? "anvil";

export const clustersRouter = createTRPCRouter({
  list: orgProcedure("cluster:read").query(({ ctx }) => listClusters(ctx.db, ctx.org.id)),
  get: orgProcedure("cluster:read")
    .input(z.object({ clusterId: idSchema }))
    .query(async ({ ctx, input }) => {
      const cluster = await getCluster(ctx.db, ctx.org.id, input.clusterId);
      return { cluster, jobs: await listJobs(ctx.db, ctx.org.id, { cluster: cluster.name, limit: 50 }) };
    }),
  register: orgProcedure("cluster:create")
    .input(z.object({ cluster: registerClusterSchema }))
    .mutation(({ ctx, input }) => registerCluster(ctx.db, ctx.org, ctx.actor, input.cluster, installId())),
  update: orgProcedure("cluster:update")
    .input(z.object({ clusterId: idSchema, cluster: registerClusterSchema }))
    .mutation(({ ctx, input }) => updateCluster(ctx.db, ctx.org, ctx.actor, input.clusterId, input.cluster, installId())),
  check: orgProcedure("cluster:update")
    .input(z.object({ clusterId: idSchema }))
    .mutation(({ ctx, input }) => checkCluster(ctx.db, ctx.org.id, input.clusterId, installId())),
  delete: orgProcedure("cluster:delete")
    .input(z.object({ clusterId: idSchema }))
    .mutation(({ ctx, input }) => deleteCluster(ctx.db, ctx.org, ctx.actor, input.clusterId)),
});
