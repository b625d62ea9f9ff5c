import { z } from "zod";
import { aliasSchema, createModelSchema, createVersionSchema, modelNameSchema, STAGES } from "@/server/registry/model-input";
import { createModel, deleteAlias, setAlias, transitionStage, updateModel } from "@/server/registry/models";
import { compareVersions, createVersion, updateVersion } from "@/server/registry/versions";
import { getModel, listModels, versionsOfRun } from "@/server/registry/views";
import { idSchema } from "@/server/tenancy/validation";
import { createTRPCRouter, orgProcedure } from "../trpc";

const byName = z.object({ name: modelNameSchema });
const version = z.number().int().min(1).max(1e9);

export const registryRouter = createTRPCRouter({
  list: orgProcedure("model:read").input(z.object({ search: z.string().max(200).optional() }).default({})).query(({ ctx, input }) => listModels(ctx.db, ctx.org.id, input)),
  get: orgProcedure("model:read").input(byName).query(({ ctx, input }) => getModel(ctx.db, ctx.org.id, input.name)),
  compare: orgProcedure("model:read").input(byName.extend({ a: version, b: version })).query(({ ctx, input }) => compareVersions(ctx.db, ctx.org.id, input.name, input.a, input.b)),
  ofRun: orgProcedure("model:read").input(z.object({ runId: idSchema })).query(({ ctx, input }) => versionsOfRun(ctx.db, ctx.org.id, input.runId)),
  create: orgProcedure("model:create").input(z.object({ model: createModelSchema })).mutation(async ({ ctx, input }) => ({ name: (await createModel(ctx.db, ctx.org.id, ctx.actor, input.model)).name })),
  /** One click from a run's artifact: the version, and the model with it when it is new. */
  register: orgProcedure("model:create").input(byName.extend({ version: createVersionSchema })).mutation(async ({ ctx, input }) => {
    const { model, version: v } = await createVersion(ctx.db, ctx.org.id, ctx.actor, input.name, input.version, { createModel: true });
    return { name: model.name, version: v.version };
  }),
  update: orgProcedure("model:update").input(byName.extend({ description: z.string().max(5000) })).mutation(({ ctx, input }) => updateModel(ctx.db, ctx.org.id, ctx.actor, input.name, { description: input.description }).then(() => undefined)),
  updateVersion: orgProcedure("model:update").input(byName.extend({ version, description: z.string().max(5000) })).mutation(({ ctx, input }) => updateVersion(ctx.db, ctx.org.id, ctx.actor, input.name, input.version, input.description).then(() => undefined)),
  setAlias: orgProcedure("model:update").input(byName.extend({ alias: aliasSchema, version })).mutation(({ ctx, input }) => setAlias(ctx.db, ctx.org.id, ctx.actor, input.name, input.alias, input.version)),
  deleteAlias: orgProcedure("model:update").input(byName.extend({ alias: z.string().min(1).max(255) })).mutation(({ ctx, input }) => deleteAlias(ctx.db, ctx.org.id, ctx.actor, input.name, input.alias)),
  transitionStage: orgProcedure("model:update").input(byName.extend({ version, stage: z.enum(STAGES), archiveExisting: z.boolean().default(false) }))
    .mutation(({ ctx, input }) => transitionStage(ctx.db, ctx.org.id, ctx.actor, input.name, input.version, input.stage, input.archiveExisting).then(() => undefined)),
});
