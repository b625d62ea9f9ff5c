import { z } from "zod";
import { createServiceSchema, updateServiceSchema, updateVariantSchema, variantNameSchema, variantSchema } from "@/server/inference/service-input";
import { createService, deleteService, getService, listServices } from "@/server/inference/services";
import { addVariant, removeVariant, updateService, updateVariant } from "@/server/inference/variants";
import { idSchema } from "@/server/tenancy/validation";
import { createTRPCRouter, orgProcedure } from "../trpc";

const byId = z.object({ serviceId: idSchema });

export const inferenceRouter = createTRPCRouter({
  list: orgProcedure("service:read").query(({ ctx }) => listServices(ctx.db, ctx.org.id)),
  get: orgProcedure("service:read").input(byId).query(({ ctx, input }) => getService(ctx.db, ctx.org.id, input.serviceId)),
  create: orgProcedure("service:create").input(z.object({ service: createServiceSchema })).mutation(async ({ ctx, input }) => ({ id: (await createService(ctx.db, ctx.org.id, ctx.actor, input.service)).id })),
  update: orgProcedure("service:update").input(byId.extend({ service: updateServiceSchema })).mutation(({ ctx, input }) => updateService(ctx.db, ctx.org.id, ctx.actor, input.serviceId, input.service)),
  addVariant: orgProcedure("service:update").input(byId.extend({ variant: variantSchema })).mutation(async ({ ctx, input }) => ({ name: (await addVariant(ctx.db, ctx.org.id, ctx.actor, input.serviceId, input.variant)).name })),
  updateVariant: orgProcedure("service:update").input(byId.extend({ variant: variantNameSchema, change: updateVariantSchema })).mutation(({ ctx, input }) => updateVariant(ctx.db, ctx.org.id, ctx.actor, input.serviceId, input.variant, input.change)),
  removeVariant: orgProcedure("service:update").input(byId.extend({ variant: variantNameSchema })).mutation(({ ctx, input }) => removeVariant(ctx.db, ctx.org.id, ctx.actor, input.serviceId, input.variant)),
  delete: orgProcedure("service:delete").input(byId).mutation(({ ctx, input }) => deleteService(ctx.db, ctx.org.id, ctx.actor, input.serviceId)),
});
