import { z } from "zod";
import { budgetOf, costReport } from "@/server/scheduling/costs";
import { createPool, createQueue, deletePool, deleteQueue, getPool, listPools, listQueues, poolHistory, setBudget, updatePool, updateQueue } from "@/server/scheduling/pools";
import { budgetInputSchema, poolInputSchema, queueInputSchema } from "@/server/scheduling/scheduling-input";
import { idSchema } from "@/server/tenancy/validation";
import { createTRPCRouter, orgProcedure } from "../trpc";

export const schedulingRouter = createTRPCRouter({
  overview: orgProcedure("quota:read").query(async ({ ctx }) => ({
    pools: await listPools(ctx.db, ctx.org.id),
    queues: await listQueues(ctx.db, ctx.org.id),
    budget: await budgetOf(ctx.db, ctx.org.id),
  })),
  pool: orgProcedure("quota:read")
    .input(z.object({ poolId: idSchema, hours: z.number().int().min(1).max(24 * 90).default(24) }))
    .query(async ({ ctx, input }) => ({
      pool: await getPool(ctx.db, ctx.org.id, input.poolId),
      history: await poolHistory(ctx.db, ctx.org.id, input.poolId, input.hours),
    })),
  createPool: orgProcedure("quota:create")
    .input(z.object({ pool: poolInputSchema }))
    .mutation(({ ctx, input }) => createPool(ctx.db, ctx.org.id, ctx.actor, input.pool)),
  updatePool: orgProcedure("quota:update")
    .input(z.object({ poolId: idSchema, pool: poolInputSchema }))
    .mutation(({ ctx, input }) => updatePool(ctx.db, ctx.org.id, ctx.actor, input.poolId, input.pool)),
  deletePool: orgProcedure("quota:delete")
    .input(z.object({ poolId: idSchema }))
    .mutation(({ ctx, input }) => deletePool(ctx.db, ctx.org.id, ctx.actor, input.poolId)),
  createQueue: orgProcedure("quota:create")
    .input(z.object({ queue: queueInputSchema }))
    .mutation(({ ctx, input }) => createQueue(ctx.db, ctx.org.id, ctx.actor, input.queue)),
  updateQueue: orgProcedure("quota:update")
    .input(z.object({ queueId: idSchema, queue: queueInputSchema }))
    .mutation(({ ctx, input }) => updateQueue(ctx.db, ctx.org.id, ctx.actor, input.queueId, input.queue)),
  deleteQueue: orgProcedure("quota:delete")
    .input(z.object({ queueId: idSchema }))
    .mutation(({ ctx, input }) => deleteQueue(ctx.db, ctx.org.id, ctx.actor, input.queueId)),
  setBudget: orgProcedure("quota:update")
    .input(budgetInputSchema)
    .mutation(({ ctx, input }) => setBudget(ctx.db, ctx.org.id, ctx.actor, input.monthlyLimit)),
  costs: orgProcedure("quota:read")
    .input(z.object({ days: z.number().int().min(1).max(366).default(30) }))
    .query(async ({ ctx, input }) => ({ report: await costReport(ctx.db, ctx.org.id, input.days), budget: await budgetOf(ctx.db, ctx.org.id) })),
});
