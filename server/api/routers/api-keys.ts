import { z } from "zod";
import { createApiKey, listApiKeys, revokeApiKey } from "@/server/tenancy/api-keys";
import { idSchema, roleSchema } from "@/server/tenancy/validation";
import { createTRPCRouter, orgProcedure } from "../trpc";

export const apiKeysRouter = createTRPCRouter({
  list: orgProcedure("apiKey:read").query(({ ctx }) => listApiKeys(ctx.db, ctx.org.id)),
  create: orgProcedure("apiKey:create")
    .input(z.object({ name: z.string().trim().min(1, "Name is required").max(80), role: roleSchema, service: z.boolean().default(false) }))
    .mutation(({ ctx, input }) => createApiKey(ctx.db, ctx.org, ctx.actor, input)),
  revoke: orgProcedure("apiKey:delete")
    .input(z.object({ keyId: idSchema }))
    .mutation(({ ctx, input }) => revokeApiKey(ctx.db, ctx.org, ctx.actor, input)),
});
