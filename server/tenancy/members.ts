import { and, asc, eq, sql } from "drizzle-orm";
import type { Db, Tx } from "@/server/db/client";
import { invitations, memberships, users } from "@/server/db/schema";
import { ConflictError, NotFoundError, ValidationError } from "@/server/errors";
import type { Actor } from "./actor";
import { forgetApiKeys } from "./api-keys";
import { recordAudit } from "./audit";
import type { Mailer } from "@/server/notifications/mailer";
import { createInvitation, emailInvitation } from "./invitations";
import type { OrgContext } from "./organizations";
import { isGrant, type Grant, type Role } from "./permissions";
import { findUserByEmail } from "./users";

export async function listMembers(db: Db, orgId: string) {
  const members = await db
    .select({ userId: users.id, email: users.email, name: users.name, role: memberships.role, grants: memberships.grants, since: memberships.createdAt })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.orgId, orgId))
    .orderBy(asc(users.email));
  const pending = await db
    .select({ id: invitations.id, email: invitations.email, role: invitations.role, since: invitations.createdAt, expiresAt: invitations.expiresAt })
    .from(invitations)
    .where(eq(invitations.orgId, orgId))
    .orderBy(asc(invitations.email));
  return { members, invitations: pending };
}

/**
 * Invites someone by e-mail: a one-time link the caller hands over (copied, or e-mailed when
 * SMTP is configured). Even an existing account joins only through the link, because nobody
 * proved that the account registered under that address belongs to the person meant.
 */
export async function addMember(db: Db, org: OrgContext, actor: Actor, input: { email: string; role: Role }, mailer: Mailer | null = null) {
  const invited = await db.transaction(async (tx) => {
    const user = await findUserByEmail(tx, input.email);
    if (user) {
      const [member] = await tx.select().from(memberships).where(and(eq(memberships.orgId, org.id), eq(memberships.userId, user.id)));
      if (member) throw new ConflictError(`${input.email} is already a member of ${org.name}`);
    }
    const token = await createInvitation(tx, org, actor, input);
    return { status: "invited" as const, hasAccount: user !== null, token };
  });
  // After the commit: a mail server that is slow or down must not hold or undo the invitation.
  const emailed = await emailInvitation(mailer, { ...input, orgName: org.name, token: invited.token, invitedBy: actor.label });
  return { ...invited, emailed };
}

export async function changeMemberRole(db: Db, org: OrgContext, actor: Actor, input: { userId: string; role: Role }) {
  return db.transaction(async (tx) => {
    const current = await lockMember(tx, org.id, input.userId);
    if (current.role === "admin" && input.role !== "admin") await assertAnotherAdmin(tx, org.id, input.userId);
    await tx.update(memberships).set({ role: input.role }).where(and(eq(memberships.orgId, org.id), eq(memberships.userId, input.userId)));
    forgetApiKeys((k) => k.org.id === org.id); // keys follow their creator's membership
    await recordAudit(tx, { orgId: org.id, actor, action: "member.role", targetType: "user", targetId: input.userId, details: { from: current.role, to: input.role } });
  });
}

/** Sets the permissions a member holds beyond their role (e.g. running commands on this machine). */
export async function setMemberGrants(db: Db, org: OrgContext, actor: Actor, input: { userId: string; grants: Grant[] }) {
  const grants = [...new Set(input.grants)].sort();
  if (!grants.every(isGrant)) throw new ValidationError("Unknown permission");
  return db.transaction(async (tx) => {
    const current = await lockMember(tx, org.id, input.userId);
    await tx.update(memberships).set({ grants }).where(and(eq(memberships.orgId, org.id), eq(memberships.userId, input.userId)));
    forgetApiKeys((k) => k.org.id === org.id); // keys follow their creator's membership
    await recordAudit(tx, { orgId: org.id, actor, action: "member.grants", targetType: "user", targetId: input.userId, details: { from: current.grants, to: grants } });
  });
}

/** Removing a member also ends their personal API keys (they act for a member who is gone). */
export async function removeMember(db: Db, org: OrgContext, actor: Actor, input: { userId: string }) {
  return db.transaction(async (tx) => {
    const current = await lockMember(tx, org.id, input.userId);
    if (current.role === "admin") await assertAnotherAdmin(tx, org.id, input.userId);
    await tx.delete(memberships).where(and(eq(memberships.orgId, org.id), eq(memberships.userId, input.userId)));
    forgetApiKeys((k) => k.org.id === org.id); // keys follow their creator's membership
    await recordAudit(tx, { orgId: org.id, actor, action: "member.remove", targetType: "user", targetId: input.userId, details: { role: current.role } });
  });
}

async function lockMember(tx: Tx, orgId: string, userId: string) {
  const [current] = await tx.select().from(memberships).where(and(eq(memberships.orgId, orgId), eq(memberships.userId, userId))).for("update");
  if (!current) throw new NotFoundError("Member");
  return current;
}

/** An organization always keeps at least one admin, or nobody could manage it again. */
async function assertAnotherAdmin(tx: Tx, orgId: string, leavingUserId: string) {
  const [row] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(memberships)
    .where(and(eq(memberships.orgId, orgId), eq(memberships.role, "admin"), sql`${memberships.userId} <> ${leavingUserId}`));
  if (row.n === 0) throw new ValidationError("An organization needs at least one admin; make someone else admin first");
}
