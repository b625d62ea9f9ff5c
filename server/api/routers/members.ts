import { z } from "zod";
import { addMember, cancelInvitation, changeMemberRole, listMembers, removeMember } from "@/server/tenancy/members";
import { emailSchema, roleSchema } from "@/server/tenancy/validation";
import { createTRPCRouter, orgProcedure } from "../trpc";

export const membersRouter = createTRPCRouter({
  list: orgProcedure("member:read").query(({ ctx }) => listMembers(ctx.db, ctx.org.id)),
  add: orgProcedure("member:create")
    .input(z.object({ email: emailSchema, role: roleSchema }))
    .mutation(({ ctx, input }) => addMember(ctx.db, ctx.org, ctx.actor, input)),
  changeRole: orgProcedure("member:update")
    .input(z.object({ userId: z.string().uuid(), role: roleSchema }))
    .mutation(({ ctx, input }) => changeMemberRole(ctx.db, ctx.org, ctx.actor, input)),
  remove: orgProcedure("member:delete")
    .input(z.object({ userId: z.string().uuid() }))
    .mutation(({ ctx, input }) => removeMember(ctx.db, ctx.org, ctx.actor, input)),
  cancelInvitation: orgProcedure("member:delete")
    .input(z.object({ invitationId: z.string().uuid() }))
    .mutation(({ ctx, input }) => cancelInvitation(ctx.db, ctx.org, ctx.actor, input)),
});
