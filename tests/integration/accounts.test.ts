import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb } from "@/server/db/client";
import { authAccounts, memberships, signInThrottle, users } from "@/server/db/schema";
import { authenticateApiKey } from "@/server/tenancy/api-keys";
import { THROTTLE } from "@/server/tenancy/sign-in-throttle";
import { signInWithPassword, signUp, upsertOAuthUser } from "@/server/tenancy/users";
import { addUser, callerFor, createOrgWithAdmin, unique } from "../helpers/fixtures";

const oauth = (email: string, over: Partial<Parameters<typeof upsertOAuthUser>[1]> = {}) => ({
  email, name: null, image: null, provider: "oidc", providerAccountId: `sub-${unique()}`, type: "oidc", emailVerified: false, ...over,
});

describe("accounts follow what providers and members assert", () => {
  it("links an OAuth identity to an existing account only when both the provider and the account verified the e-mail", async () => {
    await createOrgWithAdmin(); // set-up done
    const db = await getDb();
    const email = `owner-${unique()}@example.com`;
    const owner = await upsertOAuthUser(db, oauth(email, { emailVerified: true, provider: "google", providerAccountId: `g-${unique()}` }));
    // Another provider that does not assert the address is verified cannot join that account…
    await expect(upsertOAuthUser(db, oauth(email))).rejects.toMatchObject({ kind: "FORBIDDEN" });
    expect(await db.select().from(authAccounts).where(eq(authAccounts.userId, owner.id))).toHaveLength(1);
    // …one that does, can.
    const verified = await upsertOAuthUser(db, oauth(email, { emailVerified: true, providerAccountId: "sub-verified" }));
    expect(verified.id).toBe(owner.id);
    // Once linked, that provider account signs in as its user whatever e-mail it reports later.
    expect((await upsertOAuthUser(db, oauth(`changed-${unique()}@example.com`, { providerAccountId: "sub-verified" }))).id).toBe(owner.id);
    // A password sign-up never proved its address (anyone could have registered it first):
    // not even a verified provider claim links to it.
    const squatted = `squatted-${unique()}@example.com`;
    await signUp(db, { name: "Squatter", email: squatted, password: "correct-horse-9" });
    await expect(upsertOAuthUser(db, oauth(squatted, { emailVerified: true }))).rejects.toMatchObject({ kind: "FORBIDDEN" });
    // A new address makes a new account, unverified.
    const fresh = await upsertOAuthUser(db, oauth(`fresh-${unique()}@example.com`));
    expect(fresh.id).not.toBe(owner.id);
    expect((await db.select().from(users).where(eq(users.id, fresh.id)))[0].emailVerified).toBeNull();
  });

  it("throttles failed sign-ins per account and per address, and lets the right password in before the limit", async () => {
    await createOrgWithAdmin();
    const db = await getDb();
    const email = `guess-${unique()}@example.com`;
    await signUp(db, { name: "G", email, password: "correct-horse-7" });
    const address = `10.0.${Math.floor(Math.random() * 250)}.1`;
    for (let i = 0; i < THROTTLE.perAccount - 1; i++) expect(await signInWithPassword(db, { email, password: "nope-nope-1", address })).toEqual({ ok: false, reason: "wrong" });
    expect((await signInWithPassword(db, { email, password: "correct-horse-7", address })).ok).toBe(true);
    for (let i = 0; i < THROTTLE.perAccount; i++) await signInWithPassword(db, { email, password: "nope-nope-1", address: `10.9.${i}.9` });
    expect(await signInWithPassword(db, { email, password: "correct-horse-7", address: "10.1.1.1" })).toMatchObject({ ok: false, reason: "throttled", minutes: THROTTLE.lockMinutes });
    // Unknown accounts are counted the same way, so the lock-out reveals nothing.
    const ghost = `ghost-${unique()}@example.com`;
    for (let i = 0; i < THROTTLE.perAccount; i++) await signInWithPassword(db, { email: ghost, password: "x-x-x-x-x-x", address: null });
    expect(await signInWithPassword(db, { email: ghost, password: "x-x-x-x-x-x", address: null })).toMatchObject({ reason: "throttled" });
    // One address spraying many accounts is stopped too.
    const sprayer = `10.77.${Math.floor(Math.random() * 250)}.7`;
    for (let i = 0; i < THROTTLE.perAddress; i++) await signInWithPassword(db, { email: `spray-${i}-${unique()}@example.com`, password: "nope-nope-1", address: sprayer });
    const other = `other-${unique()}@example.com`;
    await signUp(db, { name: "O", email: other, password: "correct-horse-8" });
    expect(await signInWithPassword(db, { email: other, password: "correct-horse-8", address: sprayer })).toMatchObject({ reason: "throttled" });
    expect((await signInWithPassword(db, { email: other, password: "correct-horse-8", address: "10.2.2.2" })).ok).toBe(true);
  });

  it("keeps a lock for its full time even when the counting window rolls over", async () => {
    await createOrgWithAdmin();
    const db = await getDb();
    const email = `roll-${unique()}@example.com`;
    await signUp(db, { name: "R", email, password: "correct-horse-5" });
    for (let i = 0; i < THROTTLE.perAccount; i++) await signInWithPassword(db, { email, password: "nope-nope-1", address: null });
    // The window started 15 minutes ago (the guesses came at its very end); the lock is fresh.
    await db.update(signInThrottle).set({ windowStartedAt: new Date(Date.now() - (THROTTLE.windowMinutes * 60_000 + 1_000)) }).where(eq(signInThrottle.key, `account:${email}`));
    expect(await signInWithPassword(db, { email, password: "correct-horse-5", address: null })).toMatchObject({ reason: "throttled" });
  });

  it("counts parallel guesses before checking them: at most the limit are tried", async () => {
    await createOrgWithAdmin();
    const db = await getDb();
    const email = `burst-${unique()}@example.com`;
    await signUp(db, { name: "B", email, password: "correct-horse-6" });
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => signInWithPassword(db, { email, password: `guess-${i}-guess`, address: null })));
    expect(results.filter((r) => !r.ok && r.reason === "wrong")).toHaveLength(THROTTLE.perAccount);
    expect(results.filter((r) => !r.ok && r.reason === "throttled")).toHaveLength(40 - THROTTLE.perAccount);
  });
});

describe("API keys follow membership", () => {
  it("a personal key dies when its creator leaves and never exceeds their current role; a service key stays", async () => {
    const t = await createOrgWithAdmin();
    const manager = await addUser(t.db, t.orgId, "manager");
    const asManager = await callerFor(manager.id);
    const personal = await asManager.apiKeys.create({ org: t.slug, name: "mine", role: "manager" });
    expect((await authenticateApiKey(t.db, personal.key))?.org.role).toBe("manager");
    await (await callerFor(t.adminId)).members.changeRole({ org: t.slug, userId: manager.id, role: "viewer" });
    expect((await authenticateApiKey(t.db, personal.key))?.org.role).toBe("viewer");
    const admin = await callerFor(t.adminId);
    const service = await admin.apiKeys.create({ org: t.slug, name: "ci", role: "user", service: true });
    await expect(asManager.apiKeys.create({ org: t.slug, name: "sneaky", role: "viewer", service: true })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await admin.members.remove({ org: t.slug, userId: manager.id });
    expect(await authenticateApiKey(t.db, personal.key)).toBeNull();
    expect((await authenticateApiKey(t.db, service.key))?.org).toMatchObject({ role: "user", slug: t.slug });
    const listed = await admin.apiKeys.list({ org: t.slug });
    expect(listed.find((k) => k.name === "ci")).toMatchObject({ service: true });
  });

  it("lets a user revoke only their own keys, a manager keys up to manager, an admin any", async () => {
    const t = await createOrgWithAdmin();
    const admin = await callerFor(t.adminId);
    const user = await addUser(t.db, t.orgId, "user");
    const manager = await addUser(t.db, t.orgId, "manager");
    const asUser = await callerFor(user.id);
    const asManager = await callerFor(manager.id);
    const adminKey = await admin.apiKeys.create({ org: t.slug, name: "admin-key", role: "admin" });
    const userKey = await asUser.apiKeys.create({ org: t.slug, name: "user-key", role: "user" });
    const managerKey = await asManager.apiKeys.create({ org: t.slug, name: "mgr-key", role: "manager" });
    await expect(asUser.apiKeys.revoke({ org: t.slug, keyId: adminKey.id })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(asUser.apiKeys.revoke({ org: t.slug, keyId: managerKey.id })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(asManager.apiKeys.revoke({ org: t.slug, keyId: adminKey.id })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await asManager.apiKeys.revoke({ org: t.slug, keyId: userKey.id });
    await asUser.apiKeys.create({ org: t.slug, name: "again", role: "viewer" }).then((k) => asUser.apiKeys.revoke({ org: t.slug, keyId: k.id }));
    await admin.apiKeys.revoke({ org: t.slug, keyId: managerKey.id });
    expect(await authenticateApiKey(t.db, adminKey.key)).not.toBeNull();
    expect(await authenticateApiKey(t.db, userKey.key)).toBeNull();
  });
});

describe("running commands on this machine", () => {
  it("is the admin's by default and grantable; templates stay open to users", async () => {
    const t = await createOrgWithAdmin();
    const user = await addUser(t.db, t.orgId, "user");
    const asUser = await callerFor(user.id);
    await expect(asUser.training.submit({ org: t.slug, job: { name: "x", command: "cat /etc/passwd" } as never })).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect((await asUser.training.submit({ org: t.slug, job: { name: "t", template: "iris-softmax" } as never })).status).toBe("QUEUED");
    await (await callerFor(t.adminId)).members.setGrants({ org: t.slug, userId: user.id, grants: ["host:execute"] });
    expect((await asUser.training.submit({ org: t.slug, job: { name: "y", command: "true" } as never })).status).toBe("QUEUED");
    const [m] = await t.db.select().from(memberships).where(eq(memberships.userId, user.id));
    expect(m.grants).toEqual(["host:execute"]);
  });
});
