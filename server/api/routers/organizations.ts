import { z } from "zod";
import { createOrganization, listUserOrganizations } from "@/server/tenancy/organizations";
import { orgNameSchema } from "@/server/tenancy/validation";
import { createTRPCRouter, orgProcedure, protectedProcedure } from "../trpc";

export const organizationsRouter = createTRPCRouter({
  /** Only the caller's own memberships: safe without an org in input. */
  mine: protectedProcedure.query(({ ctx }) => listUserOrganizations(ctx.db, ctx.user.id)),
  create: protectedProcedure
    .input(z.object({ name: orgNameSchema }))
    .mutation(({ ctx, input }) => ctx.db.transaction((tx) => createOrganization(tx, { name: input.name, creatorUserId: ctx.user.id, actor: ctx.actor }))),
  get: orgProcedure("organization:read").query(({ ctx }) => ctx.org),
});
