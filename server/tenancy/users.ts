import { eq, sql } from "drizzle-orm";
import type { Db, DbOrTx } from "@/server/db/client";
import { authAccounts, invitations, memberships, users } from "@/server/db/schema";
import { hashPassword, verifyPassword } from "@/server/auth/secrets";
import { ConflictError, ForbiddenError } from "@/server/errors";
import { env } from "@/server/env";
import { recordAudit } from "./audit";
import { createOrganization } from "./organizations";

const SETUP_LOCK_KEY = 7_304_112_002;

export async function isSetupNeeded(db: DbOrTx): Promise<boolean> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(users);
  return row.n === 0;
}

export async function findUserByEmail(db: DbOrTx, email: string) {
  const [user] = await db.select().from(users).where(sql`lower(${users.email}) = ${email.toLowerCase()}`);
  return user ?? null;
}

/**
 * First start (A2): the first account becomes admin of a new organization. Serialised by an
 * advisory lock so two browsers racing the setup page cannot both become the first admin.
 */
export async function setupFirstAdmin(db: Db, input: { name: string; email: string; password: string; orgName: string }) {
  const passwordHash = await hashPassword(input.password);
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${SETUP_LOCK_KEY})`);
    if (!(await isSetupNeeded(tx))) throw new ConflictError("Anvil is already set up; sign in instead");
    const [user] = await tx.insert(users).values({ name: input.name, email: input.email, passwordHash }).returning();
    const actor = { kind: "user" as const, userId: user.id, label: user.email };
    const org = await createOrganization(tx, { name: input.orgName, creatorUserId: user.id, actor });
    await recordAudit(tx, { orgId: org.id, actor, action: "setup.complete", targetType: "user", targetId: user.id });
    return { user, org };
  });
}

/** Self sign-up (unless disabled); pending invitations for the email become memberships. */
export async function signUp(db: Db, input: { name: string; email: string; password: string }) {
  if (env.ANVIL_DISABLE_SIGNUP === "true") throw new ForbiddenError("Sign-up is disabled on this server; ask an admin to invite you");
  if (await isSetupNeeded(db)) throw new ConflictError("Anvil is not set up yet; create the first admin on the setup page");
  const passwordHash = await hashPassword(input.password);
  return db.transaction(async (tx) => {
    if (await findUserByEmail(tx, input.email)) throw new ConflictError("An account with that email already exists");
    const [user] = await tx.insert(users).values({ name: input.name, email: input.email, passwordHash }).returning();
    await acceptInvitations(tx, user.id, user.email);
    return user;
  });
}

export async function verifyCredentials(db: DbOrTx, email: string, password: string) {
  const user = await findUserByEmail(db, email);
  if (!user?.passwordHash) return null;
  return (await verifyPassword(password, user.passwordHash)) ? user : null;
}

/** OAuth/OIDC sign-in: find or create the user by email and link the provider account. */
export async function upsertOAuthUser(db: Db, input: { email: string; name: string | null; image: string | null; provider: string; providerAccountId: string; type: string }) {
  return db.transaction(async (tx) => {
    if (await isSetupNeeded(tx)) throw new ForbiddenError("Anvil is not set up yet; create the first admin on the setup page");
    let user = await findUserByEmail(tx, input.email);
    if (!user) {
      if (env.ANVIL_DISABLE_SIGNUP === "true" && !(await hasInvitation(tx, input.email))) {
        throw new ForbiddenError("Sign-up is disabled on this server; ask an admin to invite you");
      }
      [user] = await tx.insert(users).values({ email: input.email, name: input.name, image: input.image, emailVerified: new Date() }).returning();
    }
    await tx.insert(authAccounts)
      .values({ userId: user.id, type: input.type, provider: input.provider, providerAccountId: input.providerAccountId })
      .onConflictDoNothing();
    await acceptInvitations(tx, user.id, user.email);
    return user;
  });
}

async function hasInvitation(tx: DbOrTx, email: string) {
  const rows = await tx.select({ id: invitations.id }).from(invitations).where(sql`lower(${invitations.email}) = ${email.toLowerCase()}`);
  return rows.length > 0;
}

async function acceptInvitations(tx: DbOrTx, userId: string, email: string) {
  const pending = await tx.delete(invitations).where(sql`lower(${invitations.email}) = ${email.toLowerCase()}`).returning();
  for (const invite of pending) {
    await tx.insert(memberships).values({ orgId: invite.orgId, userId, role: invite.role }).onConflictDoNothing();
    await recordAudit(tx, {
      orgId: invite.orgId, actor: { kind: "user", userId, label: email }, action: "member.join",
      targetType: "user", targetId: userId, details: { role: invite.role, via: "invitation" },
    });
  }
}

export async function getUser(db: DbOrTx, userId: string) {
  const [user] = await db.select({ id: users.id, name: users.name, email: users.email, image: users.image }).from(users).where(eq(users.id, userId));
  return user ?? null;
}
