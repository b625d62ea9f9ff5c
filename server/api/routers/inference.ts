import { z } from "zod";
import { createServiceSchema, updateServiceSchema } from "@/server/inference/service-input";
import { createService, deleteService, getService, listServices, updateService } from "@/server/inference/services";
import { idSchema } from "@/server/tenancy/validation";
import { createTRPCRouter, orgProcedure } from "../trpc";

const byId = z.object({ serviceId: idSchema });

export const inferenceRouter = createTRPCRouter({
  list: orgProcedure("service:read").query(({ ctx }) => listServices(ctx.db, ctx.org.id)),
  get: orgProcedure("service:read").input(byId).query(({ ctx, input }) => getService(ctx.db, ctx.org.id, input.serviceId)),
  create: orgProcedure("service:create").input(z.object({ service: createServiceSchema })).mutation(async ({ ctx, input }) => ({ id: (await createService(ctx.db, ctx.org.id, ctx.actor, input.service)).id })),
  update: orgProcedure("service:update").input(byId.extend({ service: updateServiceSchema })).mutation(({ ctx, input }) => updateService(ctx.db, ctx.org.id, ctx.actor, input.serviceId, input.service)),
  delete: orgProcedure("service:delete").input(byId).mutation(({ ctx, input }) => deleteService(ctx.db, ctx.org.id, ctx.actor, input.serviceId)),
});
