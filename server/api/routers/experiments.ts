import { z } from "zod";
import { idSchema } from "@/server/tenancy/validation";
import { env } from "@/server/env";
import { listDeletedExperiments, setExperimentDeleted } from "@/server/tracking/retention";
import { compareRuns, compareSeries, experimentRunsTable, experimentsOverview } from "@/server/tracking/experiment-views";
import { createTRPCRouter, orgProcedure } from "../trpc";

const column = z.string().regex(/^(params|metrics|tags)\.[^\u0000]{1,250}$/, "columns look like params.lr, metrics.loss or tags.team");

export const experimentsRouter = createTRPCRouter({
  overview: orgProcedure("experiment:read").query(({ ctx }) => experimentsOverview(ctx.db, ctx.org.id)),
  runs: orgProcedure("run:read")
    .input(z.object({
      experimentId: idSchema, filter: z.string().max(5_000).optional(), orderBy: z.string().max(300).optional(),
      columns: z.array(column).max(60).default([]), view: z.enum(["active", "deleted"]).default("active"), page: z.number().int().min(0).max(100_000).default(0), pageSize: z.number().int().min(1).max(200).default(50),
    }))
    .query(({ ctx, input }) => experimentRunsTable(ctx.db, ctx.org.id, input)),
  compare: orgProcedure("run:read")
    .input(z.object({ runIds: z.array(idSchema).min(1).max(100) }))
    .query(({ ctx, input }) => compareRuns(ctx.db, ctx.org.id, input.runIds)),
  compareSeries: orgProcedure("run:read")
    .input(z.object({ runIds: z.array(idSchema).min(1).max(100) }))
    .query(({ ctx, input }) => compareSeries(ctx.db, ctx.org.id, input.runIds)),
  deleted: orgProcedure("experiment:read").query(({ ctx }) => listDeletedExperiments(ctx.db, ctx.org.id, env.ANVIL_PURGE_AFTER_HOURS)),
  delete: orgProcedure("experiment:delete")
    .input(z.object({ experimentId: idSchema }))
    .mutation(({ ctx, input }) => setExperimentDeleted(ctx.db, ctx.org.id, input.experimentId, ctx.actor, true)),
  restore: orgProcedure("experiment:delete")
    .input(z.object({ experimentId: idSchema }))
    .mutation(({ ctx, input }) => setExperimentDeleted(ctx.db, ctx.org.id, input.experimentId, ctx.actor, false)),
});
