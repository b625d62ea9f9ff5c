import { z } from "zod";
import { ValidationError } from "@/server/errors";
import { getServiceRow } from "@/server/inference/service-rows";
import type { Permission } from "@/server/tenancy/permissions";
import { acknowledgeAlerts, alertsOf } from "@/server/traffic/alerts";
import { scalingEventsOf } from "@/server/inference/autoscaler";
import { variantNameSchema } from "@/server/inference/service-input";
import { driftReport } from "@/server/traffic/drift-monitor";
import { abAnalysis, promoteVariant, setExperiment } from "@/server/traffic/experiments";
import { recordFeedback } from "@/server/traffic/feedback";
import { actOnRollout, getRollout, listRollouts, startRollout, type RolloutAction } from "@/server/traffic/rollouts";
import { readJson, restRoute, type RestContext } from "./handler";
import { refuseRunToken, requirePermission } from "./principal";

const route = <T extends Record<string, string>>(permission: Permission, handler: (ctx: RestContext<T>) => Promise<Response>) => restRoute<T>(async (ctx) => {
  refuseRunToken(ctx.principal);
  requirePermission(ctx.principal, permission);
  return handler(ctx);
});

/** The service is found (or 404) before the body is read: another organization's id learns nothing from a 400. */
const serviceOf = (ctx: RestContext<{ id: string }>) => getServiceRow(ctx.db, ctx.principal.org.id, ctx.params.id);

const ACTIONS = ["pause", "resume", "promote", "rollback"] as const;
const actionSchema = z.enum(ACTIONS, { message: `The action is one of ${ACTIONS.join(", ")}` });

/** `/api/v1/inference/services/{id}/…`: rollouts, the A/B test, feedback, drift, autoscaling decisions, alerts. `{id}` is the service's id or name. */
export const trafficRoutes = {
  rollouts: route<{ id: string }>("service:read", async (ctx) => Response.json({ rollouts: await listRollouts(ctx.db, ctx.principal.org.id, ctx.params.id) })),
  startRollout: route<{ id: string }>("service:update", async (ctx) => {
    await serviceOf(ctx);
    const r = await startRollout(ctx.db, ctx.principal.org.id, ctx.principal.actor, ctx.params.id, await readJson(ctx.req));
    return Response.json(await getRollout(ctx.db, ctx.principal.org.id, ctx.params.id, r.id), { status: 201 });
  }),
  rollout: route<{ id: string; rollout: string }>("service:read", async (ctx) => {
    await serviceOf(ctx);
    if (!/^[0-9a-f-]{36}$/i.test(ctx.params.rollout)) throw new ValidationError("A rollout id is a UUID");
    return Response.json(await getRollout(ctx.db, ctx.principal.org.id, ctx.params.id, ctx.params.rollout));
  }),
  actOnRollout: route<{ id: string; rollout: string; action: string }>("service:update", async (ctx) => {
    await serviceOf(ctx);
    if (!/^[0-9a-f-]{36}$/i.test(ctx.params.rollout)) throw new ValidationError("A rollout id is a UUID");
    const action: RolloutAction = actionSchema.parse(ctx.params.action);
    await actOnRollout(ctx.db, ctx.principal.org.id, ctx.principal.actor, ctx.params.id, ctx.params.rollout, action);
    return Response.json(await getRollout(ctx.db, ctx.principal.org.id, ctx.params.id, ctx.params.rollout));
  }),
  feedback: route<{ id: string }>("service:execute", async (ctx) => (await serviceOf(ctx)) && Response.json(await recordFeedback(ctx.db, ctx.principal.org.id, ctx.params.id, await readJson(ctx.req)), { status: 201 })),
  analysis: route<{ id: string }>("service:read", async (ctx) => {
    const since = new URL(ctx.req.url).searchParams.get("since") ?? undefined;
    return Response.json(await abAnalysis(ctx.db, ctx.principal.org.id, ctx.params.id, { since }));
  }),
  setExperiment: route<{ id: string }>("service:update", async (ctx) => (await serviceOf(ctx)) && Response.json({ experiment: await setExperiment(ctx.db, ctx.principal.org.id, ctx.principal.actor, ctx.params.id, await readJson(ctx.req)) })),
  promote: route<{ id: string }>("service:update", async (ctx) => {
    await serviceOf(ctx);
    const { variant } = z.object({ variant: variantNameSchema }).strict().parse(await readJson(ctx.req));
    await promoteVariant(ctx.db, ctx.principal.org.id, ctx.principal.actor, ctx.params.id, variant);
    return Response.json(await abAnalysis(ctx.db, ctx.principal.org.id, ctx.params.id));
  }),
  drift: route<{ id: string }>("service:read", async (ctx) => Response.json(await driftReport(ctx.db, ctx.principal.org.id, ctx.params.id))),
  scaling: route<{ id: string }>("service:read", async (ctx) => {
    const service = await serviceOf(ctx);
    return Response.json({ policy: service.autoscaling, events: await scalingEventsOf(ctx.db, service.id) });
  }),
  alerts: route<{ id: string }>("service:read", async (ctx) => {
    const service = await serviceOf(ctx);
    return Response.json({ alerts: await alertsOf(ctx.db, service.id) });
  }),
  acknowledgeAlerts: route<{ id: string }>("service:update", async (ctx) => {
    const service = await serviceOf(ctx);
    return Response.json({ acknowledged: await acknowledgeAlerts(ctx.db, service) });
  }),
};
