import { z } from "zod";
import { listAudit } from "@/server/tenancy/audit";
import { createTRPCRouter, orgProcedure } from "../trpc";

export const auditRouter = createTRPCRouter({
  list: orgProcedure("audit:read")
    .input(z.object({
      action: z.string().max(100).optional(), actor: z.string().max(200).optional(),
      before: z.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(), limit: z.number().int().min(1).max(200).default(50),
    }))
    .query(({ ctx, input }) => listAudit(ctx.db, ctx.org.id, input)),
});
