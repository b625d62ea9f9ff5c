import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb } from "@/server/db/client";
import { auditLog, memberships } from "@/server/db/schema";
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
  it("adds existing users, invites others, and turns the invitation into a membership at sign-up", async () => {
    const t = await createOrgWithAdmin();
    const admin = await callerFor(t.adminId);
    const email = `new-${unique()}@example.com`;
    expect(await admin.members.add({ org: t.slug, email, role: "viewer" })).toEqual({ status: "invited" });
    await expect(admin.members.add({ org: t.slug, email, role: "viewer" })).rejects.toMatchObject({ code: "CONFLICT" });
    const user = await signUp(t.db, { name: "New", email, password: "correct-horse-3" });
    const orgs = await (await callerFor(user.id)).organizations.mine();
    expect(orgs).toEqual([expect.objectContaining({ slug: t.slug, role: "viewer" })]);
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
