import { randomBytes } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import type { Db, DbOrTx } from "@/server/db/client";
import { invitations, memberships, organizations } from "@/server/db/schema";
import { hashSecret } from "@/server/auth/secrets";
import { ConflictError, NotFoundError } from "@/server/errors";
import type { Actor } from "./actor";
import { recordAudit } from "./audit";
import type { OrgContext } from "./organizations";
import type { Role } from "./permissions";
import { log } from "@/server/log";
import { publicUrl, type Mailer } from "@/server/notifications/mailer";

/** Long enough to be read after a weekend; a stale link is re-issued from the members page. */
const INVITATION_TTL_DAYS = 7;
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/** Anyone holding the link may join: that is what an invitation link is (as in W&B, Langfuse). */
export function invitationPath(token: string): string {
  return `/invite/${token}`;
}

export async function createInvitation(tx: DbOrTx, org: OrgContext, actor: Actor, input: { email: string; role: Role }): Promise<string> {
  const token = randomBytes(32).toString("base64url");
  const invited = await tx.insert(invitations).values({
    orgId: org.id, email: input.email, role: input.role, invitedBy: actor.kind === "user" ? actor.userId : null,
    tokenHash: hashSecret(token), expiresAt: sql`now() + make_interval(days => ${INVITATION_TTL_DAYS})`,
  }).onConflictDoNothing().returning();
  if (invited.length === 0) throw new ConflictError(`${input.email} is already invited; copy a new link from the list below`);
  await recordAudit(tx, { orgId: org.id, actor, action: "member.invite", targetType: "invitation", targetId: invited[0].id, details: { email: input.email, role: input.role } });
  return token;
}

/**
 * E-mails an invitation's link when SMTP is configured. Returns what happened, for the admin
 * who made it: the link is shown to them either way, so a failed send loses nothing.
 */
export async function emailInvitation(mailer: Mailer | null, invite: { email: string; role: string; orgName: string; token: string; invitedBy: string }): Promise<"sent" | "not-configured" | { failed: string }> {
  if (!mailer) return "not-configured";
  const link = publicUrl(invitationPath(invite.token));
  try {
    await mailer.send({
      to: invite.email,
      subject: `${invite.invitedBy} invited you to ${invite.orgName} on Anvil`,
      text: `${invite.invitedBy} invited you to join ${invite.orgName} on Anvil as ${invite.role}.\n\nOpen this link to join (it works once, for ${INVITATION_TTL_DAYS} days):\n${link}\n\nIf you did not expect this, ignore this e-mail.\n`,
    });
    return "sent";
  } catch (err) {
    log.warn("invitation e-mail failed", { to: invite.email, err });
    return { failed: err instanceof Error ? err.message : String(err) };
  }
}

/** A new link for a pending invitation; the old one stops working. */
export async function reissueInvitation(db: Db, org: OrgContext, actor: Actor, input: { invitationId: string }): Promise<{ token: string; email: string }> {
  const token = randomBytes(32).toString("base64url");
  return db.transaction(async (tx) => {
    const [row] = await tx.update(invitations)
      .set({ tokenHash: hashSecret(token), expiresAt: sql`now() + make_interval(days => ${INVITATION_TTL_DAYS})` })
      .where(and(eq(invitations.orgId, org.id), eq(invitations.id, input.invitationId)))
      .returning();
    if (!row) throw new NotFoundError("Invitation");
    await recordAudit(tx, { orgId: org.id, actor, action: "member.reinvite", targetType: "invitation", targetId: row.id, details: { email: row.email } });
    return { token, email: row.email };
  });
}

export async function cancelInvitation(db: Db, org: OrgContext, actor: Actor, input: { invitationId: string }) {
  return db.transaction(async (tx) => {
    const deleted = await tx.delete(invitations).where(and(eq(invitations.orgId, org.id), eq(invitations.id, input.invitationId))).returning();
    if (deleted.length === 0) throw new NotFoundError("Invitation");
    await recordAudit(tx, { orgId: org.id, actor, action: "member.uninvite", targetType: "invitation", targetId: input.invitationId, details: { email: deleted[0].email } });
  });
}

/** What the invitation page shows before anyone accepts; null for an unknown or expired link. */
export async function findInvitation(db: DbOrTx, token: string) {
  if (!TOKEN.test(token)) return null;
  const [row] = await db
    .select({ id: invitations.id, email: invitations.email, role: invitations.role, orgId: organizations.id, orgSlug: organizations.slug, orgName: organizations.name })
    .from(invitations)
    .innerJoin(organizations, eq(organizations.id, invitations.orgId))
    .where(and(eq(invitations.tokenHash, hashSecret(token)), sql`${invitations.expiresAt} > now()`));
  return row ?? null;
}

/** Joins the signed-in user to the invitation's organization; the link works once. */
export async function acceptInvitation(db: DbOrTx, input: { token: string; userId: string; actor: Actor }) {
  return db.transaction(async (tx) => {
    const invite = await findInvitation(tx, input.token);
    if (!invite) throw new NotFoundError("Invitation (the link is wrong, used or expired)");
    const claimed = await tx.delete(invitations).where(eq(invitations.id, invite.id)).returning({ id: invitations.id });
    if (claimed.length === 0) throw new NotFoundError("Invitation (the link is wrong, used or expired)");
    const joined = await tx.insert(memberships).values({ orgId: invite.orgId, userId: input.userId, role: invite.role }).onConflictDoNothing().returning();
    await recordAudit(tx, {
      orgId: invite.orgId, actor: input.actor, action: "member.join", targetType: "user", targetId: input.userId,
      details: { role: invite.role, via: "invitation", invitedEmail: invite.email, alreadyMember: joined.length === 0 },
    });
    return { orgSlug: invite.orgSlug, orgName: invite.orgName };
  });
}
