import { z } from "zod";
import { getDataset, getVersion, listDatasets, setRules } from "@/server/datasets/datasets";
import { rulesSchema } from "@/server/datasets/validation";
import { getObjectStore } from "@/server/storage";
import { idSchema } from "@/server/tenancy/validation";
import { createTRPCRouter, orgProcedure } from "../trpc";

/** Uploads go through REST (`POST /api/v1/datasets`): a stream, not a tRPC payload. */
export const datasetsRouter = createTRPCRouter({
  list: orgProcedure("dataset:read").query(({ ctx }) => listDatasets(ctx.db, ctx.org.id)),
  get: orgProcedure("dataset:read")
    .input(z.object({ datasetId: idSchema }))
    .query(({ ctx, input }) => getDataset(ctx.db, ctx.org.id, input.datasetId)),
  version: orgProcedure("dataset:read")
    .input(z.object({ datasetId: idSchema, version: z.number().int().min(1).max(1e9) }))
    .query(({ ctx, input }) => getVersion(ctx.db, ctx.org.id, input.datasetId, input.version)),
  setRules: orgProcedure("dataset:update")
    .input(z.object({ datasetId: idSchema, rules: rulesSchema }))
    .mutation(({ ctx, input }) => setRules(ctx.db, getObjectStore(), ctx.org.id, ctx.actor, input.datasetId, input.rules)),
});
