import { z } from "zod";
import { scalingEventsOf } from "@/server/inference/autoscaler";
import { getServiceRow } from "@/server/inference/service-rows";
import { variantNameSchema } from "@/server/inference/service-input";
import { idSchema } from "@/server/tenancy/validation";
import { acknowledgeAlerts, alertsOf } from "@/server/traffic/alerts";
import { driftReport } from "@/server/traffic/drift-monitor";
import { abAnalysis, experimentSchema, promoteVariant, setExperiment } from "@/server/traffic/experiments";
import { startRolloutSchema } from "@/server/traffic/rollout-input";
import { actOnRollout, getRollout, listRollouts, startRollout } from "@/server/traffic/rollouts";
import { createTRPCRouter, orgProcedure } from "../trpc";

const byId = z.object({ serviceId: idSchema });
const byRollout = byId.extend({ rolloutId: idSchema });

/** A service's traffic: rollouts, its A/B test, drift, autoscaling decisions and alerts. */
export const trafficRouter = createTRPCRouter({
  rollouts: orgProcedure("service:read").input(byId).query(({ ctx, input }) => listRollouts(ctx.db, ctx.org.id, input.serviceId)),
  rollout: orgProcedure("service:read").input(byRollout).query(({ ctx, input }) => getRollout(ctx.db, ctx.org.id, input.serviceId, input.rolloutId)),
  startRollout: orgProcedure("service:update").input(byId.extend({ rollout: startRolloutSchema })).mutation(async ({ ctx, input }) => ({ id: (await startRollout(ctx.db, ctx.org.id, ctx.actor, input.serviceId, input.rollout)).id })),
  actOnRollout: orgProcedure("service:update").input(byRollout.extend({ action: z.enum(["pause", "resume", "promote", "rollback"]) }))
    .mutation(async ({ ctx, input }) => ({ status: (await actOnRollout(ctx.db, ctx.org.id, ctx.actor, input.serviceId, input.rolloutId, input.action)).status })),
  analysis: orgProcedure("service:read").input(byId).query(({ ctx, input }) => abAnalysis(ctx.db, ctx.org.id, input.serviceId)),
  setExperiment: orgProcedure("service:update").input(byId.extend({ experiment: experimentSchema.nullable() })).mutation(({ ctx, input }) => setExperiment(ctx.db, ctx.org.id, ctx.actor, input.serviceId, input.experiment)),
  promote: orgProcedure("service:update").input(byId.extend({ variant: variantNameSchema })).mutation(({ ctx, input }) => promoteVariant(ctx.db, ctx.org.id, ctx.actor, input.serviceId, input.variant)),
  drift: orgProcedure("service:read").input(byId).query(({ ctx, input }) => driftReport(ctx.db, ctx.org.id, input.serviceId)),
  scaling: orgProcedure("service:read").input(byId).query(async ({ ctx, input }) => scalingEventsOf(ctx.db, (await getServiceRow(ctx.db, ctx.org.id, input.serviceId)).id)),
  alerts: orgProcedure("service:read").input(byId).query(async ({ ctx, input }) => alertsOf(ctx.db, (await getServiceRow(ctx.db, ctx.org.id, input.serviceId)).id)),
  acknowledgeAlerts: orgProcedure("service:update").input(byId).mutation(async ({ ctx, input }) => acknowledgeAlerts(ctx.db, await getServiceRow(ctx.db, ctx.org.id, input.serviceId))),
});
