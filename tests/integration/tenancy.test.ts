import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb } from "@/server/db/client";
import { auditLog, invitations, memberships } from "@/server/db/schema";
import { authenticateApiKey } from "@/server/tenancy/api-keys";
import { isSetupNeeded, setupFirstAdmin, signUp, verifyCredentials } from "@/server/tenancy/users";
import { addUser, callerFor, createOrgWithAdmin, unique } from "../helpers/fixtures";

describe("first start", () => {
  it("makes the first account admin of a new organization, once", async () => {
    const db = await getDb();
    expect(await isSetupNeeded(db)).toBe(true);
    const { user, org } = await setupFirstAdmin(db, { name: "Ada", email: "ada@example.com", password: "correct-horse-1", orgName: "Acme ML" });
    expect(org.slug).toBe("acme-ml");
    const [m] = await db.select().from(memberships).where(eq(memberships.userId, user.id));
    expect(m.role).toBe("admin");
    await expect(setupFirstAdmin(db, { name: "Eve", email: "eve@example.com", password: "correct-horse-2", orgName: "Evil" })).rejects.toThrow(/already set up/);
    expect(await verifyCredentials(db, "ADA@example.com", "correct-horse-1")).not.toBeNull();
    expect(await verifyCredentials(db, "ada@example.com", "wrong-password")).toBeNull();
    const audit = await db.select().from(auditLog).where(eq(auditLog.orgId, org.id));
    expect(audit.map((a) => a.action).sort()).toEqual(["organization.create", "setup.complete"]);
  });
});

describe("members", () => {
  it("invites through a one-time link, never by e-mail address alone — existing accounts included", async () => {
    const t = await createOrgWithAdmin();
    const admin = await callerFor(t.adminId);
    const email = `new-${unique()}@example.com`;
    const invited = await admin.members.add({ org: t.slug, email, role: "viewer" });
    expect(invited.status).toBe("invited");
    await expect(admin.members.add({ org: t.slug, email, role: "viewer" })).rejects.toMatchObject({ code: "CONFLICT" });
    // Signing up with the invited address grants nothing by itself.
    const squatter = await signUp(t.db, { name: "Squatter", email, password: "correct-horse-3" });
    expect(await (await callerFor(squatter.id)).organizations.mine()).toEqual([]);
    // Adding an address that has an account is an invitation too: that account may not be theirs.
    const existing = await signUp(t.db, { name: "Existing", email: `existing-${unique()}@example.com`, password: "correct-horse-4" });
    expect(await admin.members.add({ org: t.slug, email: existing.email, role: "user" })).toMatchObject({ status: "invited", hasAccount: true });
    expect(await (await callerFor(existing.id)).organizations.mine()).toEqual([]);
    // The link does, once, for whoever holds it.
    const holder = await addUser(t.db, (await createOrgWithAdmin()).orgId, "user");
    const asHolder = await callerFor(holder.id);
    expect(await asHolder.invitations.get({ token: invited.token! })).toMatchObject({ role: "viewer", email });
    expect(await asHolder.invitations.accept({ token: invited.token! })).toMatchObject({ orgSlug: t.slug });
    expect((await asHolder.organizations.mine()).map((o) => o.slug)).toContain(t.slug);
    await expect(asHolder.invitations.accept({ token: invited.token! })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect((await callerFor(squatter.id)).invitations.accept({ token: invited.token! })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect((await callerFor(null)).invitations.accept({ token: "x".repeat(43) })).rejects.toMatchObject({ code: "UNAUTHORIZED" });
  });

  it("re-issuing an invitation kills the old link; an expired link does nothing", async () => {
    const t = await createOrgWithAdmin();
    const admin = await callerFor(t.adminId);
    const first = await admin.members.add({ org: t.slug, email: `late-${unique()}@example.com`, role: "user" });
    const [{ id }] = (await admin.members.list({ org: t.slug })).invitations;
    const second = await admin.members.reissueInvitation({ org: t.slug, invitationId: id });
    const joiner = await callerFor((await addUser(t.db, (await createOrgWithAdmin()).orgId, "user")).id);
    await expect(joiner.invitations.accept({ token: first.token! })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await t.db.update(invitations).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(invitations.id, id));
    await expect(joiner.invitations.accept({ token: second.token })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("never leaves an organization without an admin", async () => {
    const t = await createOrgWithAdmin();
    const admin = await callerFor(t.adminId);
    await expect(admin.members.changeRole({ org: t.slug, userId: t.adminId, role: "user" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(admin.members.remove({ org: t.slug, userId: t.adminId })).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });

  it("lets only admins manage members; everyone can read", async () => {
    const t = await createOrgWithAdmin();
    const manager = await addUser(t.db, t.orgId, "manager");
    const viewer = await addUser(t.db, t.orgId, "viewer");
    const asManager = await callerFor(manager.id);
    await expect(asManager.members.remove({ org: t.slug, userId: viewer.id })).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect((await (await callerFor(viewer.id)).members.list({ org: t.slug })).members).toHaveLength(3);
  });
});

describe("API keys", () => {
  it("shows the key once, stores only its hash, caps its role and stops working when revoked", async () => {
    const t = await createOrgWithAdmin();
    const user = await addUser(t.db, t.orgId, "user");
    const asUser = await callerFor(user.id);
    await expect(asUser.apiKeys.create({ org: t.slug, name: "too strong", role: "admin" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    const created = await asUser.apiKeys.create({ org: t.slug, name: "ci", role: "user" });
    expect(created.key).toMatch(/^anv_/);
    const listed = await asUser.apiKeys.list({ org: t.slug });
    expect(JSON.stringify(listed)).not.toContain(created.key);
    const principal = await authenticateApiKey(t.db, created.key);
    expect(principal?.org).toMatchObject({ id: t.orgId, role: "user" });
    expect((await asUser.apiKeys.list({ org: t.slug }))[0].lastUsedAt).not.toBeNull();
    await asUser.apiKeys.revoke({ org: t.slug, keyId: created.id });
    expect(await authenticateApiKey(t.db, created.key)).toBeNull();
  });
});

describe("permissions and audit", () => {
  it("refuses a viewer's job submission and writes no run", async () => {
    const t = await createOrgWithAdmin();
    const viewer = await addUser(t.db, t.orgId, "viewer");
    const asViewer = await callerFor(viewer.id);
    await expect(asViewer.training.submit({ org: t.slug, job: { name: "x", template: "iris-softmax" } as never })).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect((await asViewer.runs.list({ org: t.slug })).items).toHaveLength(0);
  });

  it("writes an audit row with every mutation, browsable by admins only", async () => {
    const t = await createOrgWithAdmin();
    const admin = await callerFor(t.adminId);
    await admin.apiKeys.create({ org: t.slug, name: "audit-me", role: "viewer" });
    const { items } = await admin.audit.list({ org: t.slug, action: "apiKey", limit: 10 });
    expect(items[0]).toMatchObject({ action: "apiKey.create", actorLabel: t.adminEmail, details: { name: "audit-me", role: "viewer" } });
    const user = await addUser(t.db, t.orgId, "user");
    await expect((await callerFor(user.id)).audit.list({ org: t.slug, limit: 10 })).rejects.toMatchObject({ code: "FORBIDDEN" });
  });

  it("rejects bad input with a message naming the field and writes nothing", async () => {
    const t = await createOrgWithAdmin();
    const admin = await callerFor(t.adminId);
    await expect(admin.members.add({ org: t.slug, email: "not-an-email", role: "user" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(admin.training.submit({ org: t.slug, job: { name: "", template: "iris-softmax" } as never })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(admin.training.submit({ org: t.slug, job: { name: "x", template: "nope" } as never })).rejects.toMatchObject({ code: "BAD_REQUEST", message: expect.stringContaining("nope") });
    expect((await admin.runs.list({ org: t.slug })).items).toHaveLength(0);
  });
});
