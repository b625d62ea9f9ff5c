import { z } from "zod";
import { NotFoundError } from "@/server/errors";
import { acceptInvitation, findInvitation } from "@/server/tenancy/invitations";
import { createTRPCRouter, protectedProcedure, publicProcedure } from "../trpc";

const token = z.object({ token: z.string().min(1).max(200) });

export const invitationsRouter = createTRPCRouter({
  /** What a link invites to, for the page that asks to accept it; the token is the credential. */
  get: publicProcedure.input(token).query(async ({ ctx, input }) => {
    const invite = await findInvitation(ctx.db, input.token);
    if (!invite) throw new NotFoundError("Invitation (the link is wrong, used or expired)");
    return { orgName: invite.orgName, role: invite.role, email: invite.email };
  }),
  accept: protectedProcedure.input(token).mutation(({ ctx, input }) => acceptInvitation(ctx.db, { token: input.token, userId: ctx.user.id, actor: ctx.actor })),
});
