import { z } from "zod";
import { idSchema } from "@/server/tenancy/validation";
import { RUN_STATUSES } from "@/server/runner/run-lifecycle";
import { readRunLogs } from "@/server/tracking/logs";
import { queryMetricCharts } from "@/server/tracking/metric-charts";
import { setRunDeleted } from "@/server/tracking/retention";
import { countRunsByStatus, getRunDetail, getRunRow, listRuns } from "@/server/tracking/runs";
import { createTRPCRouter, orgProcedure } from "../trpc";

export const runsRouter = createTRPCRouter({
  list: orgProcedure("run:read")
    .input(z.object({
      status: z.enum(RUN_STATUSES).optional(), projectId: idSchema.optional(),
      before: z.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(), limit: z.number().int().min(1).max(200).default(50),
    }))
    .query(({ ctx, input }) => listRuns(ctx.db, ctx.org.id, input)),
  get: orgProcedure("run:read")
    .input(z.object({ runId: idSchema }))
    .query(({ ctx, input }) => getRunDetail(ctx.db, ctx.org.id, input.runId)),
  counts: orgProcedure("run:read").query(({ ctx }) => countRunsByStatus(ctx.db, ctx.org.id)),
  metricSeries: orgProcedure("run:read")
    .input(z.object({
      runId: idSchema, keys: z.array(z.string().max(250)).max(50).optional(), buckets: z.number().int().min(10).max(2000).default(500),
      range: z.object({ lo: z.number().int().min(-Number.MAX_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER), hi: z.number().int().min(-Number.MAX_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER) })
        .refine((r) => r.lo <= r.hi, "range.lo must be ≤ range.hi").optional(),
    }))
    .query(async ({ ctx, input }) => {
      await getRunRow(ctx.db, ctx.org.id, input.runId);
      return queryMetricCharts(ctx.db, ctx.org.id, { runIds: [input.runId], keys: input.keys, buckets: input.buckets, range: input.range });
    }),
  logs: orgProcedure("run:read")
    .input(z.object({ runId: idSchema, after: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(0), limit: z.number().int().min(1).max(2000).default(500) }))
    .query(async ({ ctx, input }) => {
      await getRunRow(ctx.db, ctx.org.id, input.runId);
      return readRunLogs(ctx.db, ctx.org.id, input.runId, input.after, input.limit);
    }),
  /** Soft delete: hidden, restorable until the purge delay has passed, then purged with its data. */
  delete: orgProcedure("run:delete")
    .input(z.object({ runId: idSchema }))
    .mutation(({ ctx, input }) => setRunDeleted(ctx.db, ctx.org.id, input.runId, ctx.actor, true)),
  restore: orgProcedure("run:delete")
    .input(z.object({ runId: idSchema }))
    .mutation(({ ctx, input }) => setRunDeleted(ctx.db, ctx.org.id, input.runId, ctx.actor, false)),
});
