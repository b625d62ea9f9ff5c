import { z } from "zod";
import { createSweepSchema } from "@/server/sweeps/sweep-input";
import { createSweep, getSweep, listSweeps, stopSweep } from "@/server/sweeps/sweeps";
import { idSchema } from "@/server/tenancy/validation";
import { createTRPCRouter, orgProcedure } from "../trpc";

export const sweepsRouter = createTRPCRouter({
  list: orgProcedure("run:read").query(({ ctx }) => listSweeps(ctx.db, ctx.org.id)),
  get: orgProcedure("run:read")
    .input(z.object({ sweepId: idSchema }))
    .query(({ ctx, input }) => getSweep(ctx.db, ctx.org.id, input.sweepId)),
  create: orgProcedure("run:create")
    .input(z.object({ sweep: createSweepSchema }))
    .mutation(async ({ ctx, input }) => {
      const sweep = await createSweep(ctx.db, ctx.org, ctx.actor, input.sweep);
      return { id: sweep.id, status: sweep.status };
    }),
  stop: orgProcedure("run:execute")
    .input(z.object({ sweepId: idSchema }))
    .mutation(({ ctx, input }) => stopSweep(ctx.db, ctx.org, ctx.actor, input.sweepId)),
});
