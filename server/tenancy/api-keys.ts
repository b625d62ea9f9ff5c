import { CREDENTIAL_CACHE_MS, CredentialCache } from "./credential-cache";
import { and, desc, eq, isNull, sql } from "drizzle-orm";
import type { Db, DbOrTx } from "@/server/db/client";
import { apiKeys, memberships, organizations, users } from "@/server/db/schema";
import { API_KEY_PREFIX, hashSecret, newSecret } from "@/server/auth/secrets";
import { ForbiddenError, NotFoundError } from "@/server/errors";
import type { Actor } from "./actor";
import { recordAudit } from "./audit";
import type { OrgContext } from "./organizations";
import { isWithin, lowerRole, type Role } from "./permissions";

export interface NewApiKey { name: string; role: Role; service?: boolean }

/**
 * Creates a key whose role cannot exceed the creator's. A personal key acts for its creator
 * (never above their current role, dead once they leave); a service key belongs to the
 * organization, so only admins make them. The plain key is returned once.
 */
export async function createApiKey(db: DbOrTx, org: OrgContext, actor: Actor, input: NewApiKey, presetKey?: string) {
  if (!isWithin(input.role, org.role)) throw new ForbiddenError(`A ${org.role} cannot create a key with the ${input.role} role`);
  // A key made by something other than a member (headless set-up) has nobody to follow.
  const service = input.service === true || actor.kind !== "user";
  if (service && org.role !== "admin") throw new ForbiddenError("Only admins can create service keys");
  const key = presetKey ?? newSecret(API_KEY_PREFIX);
  return db.transaction(async (tx) => {
    const [row] = await tx.insert(apiKeys).values({
      orgId: org.id, name: input.name, role: input.role, service, prefix: key.slice(0, API_KEY_PREFIX.length + 6), keyHash: hashSecret(key),
      createdBy: actor.kind === "user" ? actor.userId : null,
    }).returning({ id: apiKeys.id, name: apiKeys.name, prefix: apiKeys.prefix, role: apiKeys.role, service: apiKeys.service });
    await recordAudit(tx, { orgId: org.id, actor, action: "apiKey.create", targetType: "apiKey", targetId: row.id, details: { name: input.name, role: input.role, service: row.service } });
    return { ...row, key };
  });
}

export async function listApiKeys(db: DbOrTx, orgId: string) {
  return db
    .select({
      id: apiKeys.id, name: apiKeys.name, prefix: apiKeys.prefix, role: apiKeys.role, service: apiKeys.service,
      createdById: apiKeys.createdBy, createdByEmail: users.email, createdAt: apiKeys.createdAt, lastUsedAt: apiKeys.lastUsedAt, revokedAt: apiKeys.revokedAt,
    })
    .from(apiKeys)
    .leftJoin(users, eq(users.id, apiKeys.createdBy))
    .where(eq(apiKeys.orgId, orgId))
    .orderBy(desc(apiKeys.createdAt));
}

/** Anyone may revoke their own keys; a manager, personal keys up to manager; an admin, any key. */
export function mayRevokeKey(role: Role, userId: string | null, key: { role: Role; service: boolean; createdBy?: string | null; createdById?: string | null }): boolean {
  const creator = key.createdBy ?? key.createdById ?? null;
  if (userId !== null && creator === userId && !key.service) return true;
  if (role === "admin") return true;
  return role === "manager" && !key.service && isWithin(key.role, "manager");
}

export async function revokeApiKey(db: Db, org: OrgContext, actor: Actor, input: { keyId: string }) {
  return db.transaction(async (tx) => {
    const [key] = await tx.select().from(apiKeys).where(and(eq(apiKeys.orgId, org.id), eq(apiKeys.id, input.keyId), isNull(apiKeys.revokedAt))).for("update");
    if (!key) throw new NotFoundError("Active API key");
    if (!mayRevokeKey(org.role, actor.kind === "user" ? actor.userId : null, key)) throw new ForbiddenError(`Your role (${org.role}) cannot revoke ${key.service ? "a service key" : `another member's ${key.role} key`}`);
    await tx.update(apiKeys).set({ revokedAt: sql`now()` }).where(and(eq(apiKeys.orgId, org.id), eq(apiKeys.id, key.id)));
    forgetApiKeys((k) => k.apiKeyId === key.id);
    await recordAudit(tx, { orgId: org.id, actor, action: "apiKey.revoke", targetType: "apiKey", targetId: key.id, details: { name: key.name } });
  });
}

export interface ApiKeyPrincipal { apiKeyId: string; name: string; org: OrgContext }

/**
 * Resolves a presented key; revoked and unknown keys are indistinguishable to the caller. A
 * personal key works only while its creator is a member, with the lower of its role and theirs.
 */
const accepted = new CredentialCache<ApiKeyPrincipal>(CREDENTIAL_CACHE_MS);

export async function authenticateApiKey(db: DbOrTx, presented: string): Promise<ApiKeyPrincipal | null> {
  if (!presented.startsWith(API_KEY_PREFIX)) return null;
  const hash = hashSecret(presented);
  const cached = accepted.get(hash);
  if (cached) return cached;
  const principal = await lookUpApiKey(db, hash);
  if (principal) accepted.set(hash, principal);
  return principal;
}

/** Drops remembered keys (revocation, role changes) so this process stops accepting them at once. */
export function forgetApiKeys(matches: (key: ApiKeyPrincipal) => boolean) {
  accepted.drop(matches);
}

async function lookUpApiKey(db: DbOrTx, hash: string): Promise<ApiKeyPrincipal | null> {
  const [row] = await db
    .select({
      id: apiKeys.id, name: apiKeys.name, role: apiKeys.role, service: apiKeys.service,
      orgId: organizations.id, slug: organizations.slug, orgName: organizations.name,
      creatorRole: memberships.role, creatorGrants: memberships.grants,
    })
    .from(apiKeys)
    .innerJoin(organizations, eq(organizations.id, apiKeys.orgId))
    .leftJoin(memberships, and(eq(memberships.orgId, apiKeys.orgId), eq(memberships.userId, apiKeys.createdBy)))
    .where(and(eq(apiKeys.keyHash, hash), isNull(apiKeys.revokedAt)));
  if (!row) return null;
  if (!row.service && !row.creatorRole) return null;
  // Last-used is informational: update at most once a minute per key to keep hot paths write-free.
  await db.update(apiKeys).set({ lastUsedAt: sql`now()` })
    .where(and(eq(apiKeys.id, row.id), sql`(${apiKeys.lastUsedAt} is null or ${apiKeys.lastUsedAt} < now() - interval '1 minute')`));
  const role = row.service || !row.creatorRole ? row.role : lowerRole(row.role, row.creatorRole);
  const grants = row.service ? [] : row.creatorGrants ?? [];
  return { apiKeyId: row.id, name: row.name, org: { id: row.orgId, slug: row.slug, name: row.orgName, role, grants } };
}
