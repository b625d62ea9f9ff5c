import { and, asc, eq, sql } from "drizzle-orm";
import type { Db, Tx } from "@/server/db/client";
import { invitations, memberships, users } from "@/server/db/schema";
import { ConflictError, NotFoundError, ValidationError } from "@/server/errors";
import type { Actor } from "./actor";
import { recordAudit } from "./audit";
import type { OrgContext } from "./organizations";
import type { Role } from "./permissions";
import { findUserByEmail } from "./users";

export async function listMembers(db: Db, orgId: string) {
  const members = await db
    .select({ userId: users.id, email: users.email, name: users.name, role: memberships.role, since: memberships.createdAt })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.orgId, orgId))
    .orderBy(asc(users.email));
  const pending = await db
    .select({ id: invitations.id, email: invitations.email, role: invitations.role, since: invitations.createdAt })
    .from(invitations)
    .where(eq(invitations.orgId, orgId))
    .orderBy(asc(invitations.email));
  return { members, invitations: pending };
}

/**
 * Adds a member by email. Someone without an account yet gets an invitation that turns into a
 * membership when they sign up (email + password or OAuth) with that address.
 */
export async function addMember(db: Db, org: OrgContext, actor: Actor, input: { email: string; role: Role }) {
  return db.transaction(async (tx) => {
    const user = await findUserByEmail(tx, input.email);
    if (user) {
      const inserted = await tx.insert(memberships).values({ orgId: org.id, userId: user.id, role: input.role }).onConflictDoNothing().returning();
      if (inserted.length === 0) throw new ConflictError(`${input.email} is already a member of ${org.name}`);
      await recordAudit(tx, { orgId: org.id, actor, action: "member.add", targetType: "user", targetId: user.id, details: { email: input.email, role: input.role } });
      return { status: "added" as const };
    }
    const invited = await tx.insert(invitations).values({ orgId: org.id, email: input.email, role: input.role, invitedBy: actor.kind === "user" ? actor.userId : null }).onConflictDoNothing().returning();
    if (invited.length === 0) throw new ConflictError(`${input.email} is already invited`);
    await recordAudit(tx, { orgId: org.id, actor, action: "member.invite", targetType: "invitation", targetId: invited[0].id, details: { email: input.email, role: input.role } });
    return { status: "invited" as const };
  });
}

export async function changeMemberRole(db: Db, org: OrgContext, actor: Actor, input: { userId: string; role: Role }) {
  return db.transaction(async (tx) => {
    const [current] = await tx.select().from(memberships).where(and(eq(memberships.orgId, org.id), eq(memberships.userId, input.userId))).for("update");
    if (!current) throw new NotFoundError("Member");
    if (current.role === "admin" && input.role !== "admin") await assertAnotherAdmin(tx, org.id, input.userId);
    await tx.update(memberships).set({ role: input.role }).where(and(eq(memberships.orgId, org.id), eq(memberships.userId, input.userId)));
    await recordAudit(tx, { orgId: org.id, actor, action: "member.role", targetType: "user", targetId: input.userId, details: { from: current.role, to: input.role } });
  });
}

export async function removeMember(db: Db, org: OrgContext, actor: Actor, input: { userId: string }) {
  return db.transaction(async (tx) => {
    const [current] = await tx.select().from(memberships).where(and(eq(memberships.orgId, org.id), eq(memberships.userId, input.userId))).for("update");
    if (!current) throw new NotFoundError("Member");
    if (current.role === "admin") await assertAnotherAdmin(tx, org.id, input.userId);
    await tx.delete(memberships).where(and(eq(memberships.orgId, org.id), eq(memberships.userId, input.userId)));
    await recordAudit(tx, { orgId: org.id, actor, action: "member.remove", targetType: "user", targetId: input.userId, details: { role: current.role } });
  });
}

export async function cancelInvitation(db: Db, org: OrgContext, actor: Actor, input: { invitationId: string }) {
  return db.transaction(async (tx) => {
    const deleted = await tx.delete(invitations).where(and(eq(invitations.orgId, org.id), eq(invitations.id, input.invitationId))).returning();
    if (deleted.length === 0) throw new NotFoundError("Invitation");
    await recordAudit(tx, { orgId: org.id, actor, action: "member.uninvite", targetType: "invitation", targetId: input.invitationId, details: { email: deleted[0].email } });
  });
}

/** An organization always keeps at least one admin, or nobody could manage it again. */
async function assertAnotherAdmin(tx: Tx, orgId: string, leavingUserId: string) {
  const [row] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(memberships)
    .where(and(eq(memberships.orgId, orgId), eq(memberships.role, "admin"), sql`${memberships.userId} <> ${leavingUserId}`));
  if (row.n === 0) throw new ValidationError("An organization needs at least one admin; make someone else admin first");
}
