import { randomBytes } from "node:crypto";
import { createCaller } from "@/server/api/root";
import { getDb, type Db } from "@/server/db/client";
import { memberships, users } from "@/server/db/schema";
import { createApiKey } from "@/server/tenancy/api-keys";
import { createOrganization, getMemberOrg } from "@/server/tenancy/organizations";
import type { Role } from "@/server/tenancy/permissions";

export const unique = () => randomBytes(4).toString("hex");

export interface TestOrg { db: Db; orgId: string; slug: string; adminId: string; adminEmail: string }

/** A user who is admin of a new organization (with its default project and experiment). */
export async function createOrgWithAdmin(name = `Org ${unique()}`): Promise<TestOrg> {
  const db = await getDb();
  const email = `admin-${unique()}@example.com`;
  const [user] = await db.insert(users).values({ email, name: "Admin" }).returning();
  const org = await db.transaction((tx) => createOrganization(tx, { name, creatorUserId: user.id, actor: { kind: "user", userId: user.id, label: email } }));
  return { db, orgId: org.id, slug: org.slug, adminId: user.id, adminEmail: email };
}

export async function addUser(db: Db, orgId: string, role: Role) {
  const email = `${role}-${unique()}@example.com`;
  const [user] = await db.insert(users).values({ email, name: role }).returning();
  await db.insert(memberships).values({ orgId, userId: user.id, role });
  return user;
}

export async function callerFor(userId: string | null) {
  return createCaller({ db: await getDb(), userId });
}

export async function apiKeyFor(t: TestOrg, role: Role = "admin"): Promise<string> {
  const org = await getMemberOrg(t.db, t.adminId, t.slug);
  const created = await createApiKey(t.db, org, { kind: "user", userId: t.adminId, label: t.adminEmail }, { name: `key-${unique()}`, role });
  return created.key;
}
