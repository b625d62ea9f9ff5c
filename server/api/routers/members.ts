import { z } from "zod";
import { configuredMailer } from "@/server/notifications/mailer";
import { cancelInvitation, reissueInvitation } from "@/server/tenancy/invitations";
import { addMember, changeMemberRole, listMembers, removeMember, setMemberGrants } from "@/server/tenancy/members";
import { GRANTABLE } from "@/server/tenancy/permissions";
import { emailSchema, idSchema, roleSchema } from "@/server/tenancy/validation";
import { createTRPCRouter, orgProcedure } from "../trpc";

export const membersRouter = createTRPCRouter({
  list: orgProcedure("member:read").query(({ ctx }) => listMembers(ctx.db, ctx.org.id)),
  add: orgProcedure("member:create")
    .input(z.object({ email: emailSchema, role: roleSchema }))
    .mutation(({ ctx, input }) => addMember(ctx.db, ctx.org, ctx.actor, input, configuredMailer())),
  changeRole: orgProcedure("member:update")
    .input(z.object({ userId: idSchema, role: roleSchema }))
    .mutation(({ ctx, input }) => changeMemberRole(ctx.db, ctx.org, ctx.actor, input)),
  setGrants: orgProcedure("member:update")
    .input(z.object({ userId: idSchema, grants: z.array(z.enum(GRANTABLE)).max(GRANTABLE.length) }))
    .mutation(({ ctx, input }) => setMemberGrants(ctx.db, ctx.org, ctx.actor, input)),
  remove: orgProcedure("member:delete")
    .input(z.object({ userId: idSchema }))
    .mutation(({ ctx, input }) => removeMember(ctx.db, ctx.org, ctx.actor, input)),
  reissueInvitation: orgProcedure("member:create")
    .input(z.object({ invitationId: idSchema }))
    .mutation(({ ctx, input }) => reissueInvitation(ctx.db, ctx.org, ctx.actor, input)),
  cancelInvitation: orgProcedure("member:delete")
    .input(z.object({ invitationId: idSchema }))
    .mutation(({ ctx, input }) => cancelInvitation(ctx.db, ctx.org, ctx.actor, input)),
});
