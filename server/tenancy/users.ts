import { and, eq, sql } from "drizzle-orm";
import type { Db, DbOrTx } from "@/server/db/client";
import { authAccounts, users } from "@/server/db/schema";
import { hashPassword, verifyPassword } from "@/server/auth/secrets";
import { ConflictError, ForbiddenError } from "@/server/errors";
import { env } from "@/server/env";
import { recordAudit } from "./audit";
import { acceptInvitation, findInvitation } from "./invitations";
import { countSignInAttempt, recordSuccessfulSignIn } from "./sign-in-throttle";
import { createOrganization } from "./organizations";

/** Serialises every way of creating the first account (setup page, ANVIL_INIT_*). */
export const SETUP_LOCK_KEY = 7_304_112_002;

export async function isSetupNeeded(db: DbOrTx): Promise<boolean> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(users);
  return row.n === 0;
}

export async function findUserByEmail(db: DbOrTx, email: string) {
  const [user] = await db.select().from(users).where(sql`lower(${users.email}) = ${email.toLowerCase()}`);
  return user ?? null;
}

/**
 * First start: the first account becomes admin of a new organization. Serialised by an
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

/**
 * Self sign-up. With ANVIL_DISABLE_SIGNUP=true only someone holding a valid invitation link may
 * create an account. Invitations are never accepted by e-mail address alone: the link does it.
 */
export async function signUp(db: Db, input: { name: string; email: string; password: string; invitationToken?: string }) {
  if (await isSetupNeeded(db)) throw new ConflictError("Anvil is not set up yet; create the first admin on the setup page");
  if (env.ANVIL_DISABLE_SIGNUP === "true" && !(input.invitationToken && (await findInvitation(db, input.invitationToken)))) {
    throw new ForbiddenError("Sign-up is disabled on this server; ask an admin for an invitation link");
  }
  const passwordHash = await hashPassword(input.password);
  return db.transaction(async (tx) => {
    if (await findUserByEmail(tx, input.email)) throw new ConflictError("An account with that email already exists");
    const [user] = await tx.insert(users).values({ name: input.name, email: input.email, passwordHash }).returning();
    // Arriving by an invitation link, the account and the membership are made together: the link
    // is used up by this sign-up, so it cannot make a second account while sign-up is disabled.
    const joined = input.invitationToken
      ? await acceptInvitation(tx, { token: input.invitationToken, userId: user.id, actor: { kind: "user", userId: user.id, label: user.email } })
      : null;
    return { ...user, joined };
  });
}

export async function verifyCredentials(db: DbOrTx, email: string, password: string) {
  const user = await findUserByEmail(db, email);
  if (!user?.passwordHash) return null;
  return (await verifyPassword(password, user.passwordHash)) ? user : null;
}

export type PasswordSignIn =
  | { ok: true; user: { id: string; email: string; name: string | null } }
  | { ok: false; reason: "wrong" }
  | { ok: false; reason: "throttled"; minutes: number };

/** Email + password sign-in behind the per-account and per-address throttle. */
export async function signInWithPassword(db: Db, input: { email: string; password: string; address: string | null }): Promise<PasswordSignIn> {
  const keys = { account: input.email, address: input.address };
  const minutes = await countSignInAttempt(db, keys);
  if (minutes > 0) return { ok: false, reason: "throttled", minutes };
  const user = await verifyCredentials(db, input.email, input.password);
  if (!user) return { ok: false, reason: "wrong" };
  await recordSuccessfulSignIn(db, keys);
  return { ok: true, user: { id: user.id, email: user.email, name: user.name } };
}

export interface OAuthProfile {
  email: string; name: string | null; image: string | null; provider: string; providerAccountId: string; type: string;
  /** True only when the provider asserts it (OIDC `email_verified`); GitHub's profile does not. */
  emailVerified: boolean;
}

/**
 * OAuth/OIDC sign-in. A provider account already linked signs in as its user. Otherwise it is
 * linked to an existing account with the same e-mail only when the provider asserts that the
 * address is verified — else anyone able to register that address at some provider could take
 * the account over. A new address makes a new account (unless sign-up is disabled).
 */
export async function upsertOAuthUser(db: Db, input: OAuthProfile) {
  return db.transaction(async (tx) => {
    if (await isSetupNeeded(tx)) throw new ForbiddenError("Anvil is not set up yet; create the first admin on the setup page");
    const [linked] = await tx.select({ user: users }).from(authAccounts).innerJoin(users, eq(users.id, authAccounts.userId))
      .where(and(eq(authAccounts.provider, input.provider), eq(authAccounts.providerAccountId, input.providerAccountId)));
    if (linked) return linked.user;
    let user = await findUserByEmail(tx, input.email);
    // Linking by address needs both sides verified: the provider's claim, and our account's own
    // (a password sign-up never proved its address — someone could have registered it first).
    if (user && !(input.emailVerified && user.emailVerified !== null)) {
      throw new ForbiddenError(`An account for ${input.email} exists, and its address could not be confirmed as the same person's; sign in with your password`);
    }
    if (!user) {
      if (env.ANVIL_DISABLE_SIGNUP === "true") throw new ForbiddenError("Sign-up is disabled on this server; ask an admin for an invitation link");
      [user] = await tx.insert(users).values({ email: input.email, name: input.name, image: input.image, emailVerified: input.emailVerified ? new Date() : null }).returning();
    }
    await tx.insert(authAccounts)
      .values({ userId: user.id, type: input.type, provider: input.provider, providerAccountId: input.providerAccountId })
      .onConflictDoNothing();
    return user;
  });
}

export async function getUser(db: DbOrTx, userId: string) {
  const [user] = await db.select({ id: users.id, name: users.name, email: users.email, image: users.image }).from(users).where(eq(users.id, userId));
  return user ?? null;
}
