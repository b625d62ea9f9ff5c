import { and, desc, eq, isNull, sql } from "drizzle-orm";
import type { Db, DbOrTx } from "@/server/db/client";
import { apiKeys, organizations } from "@/server/db/schema";
import { API_KEY_PREFIX, hashSecret, newSecret } from "@/server/auth/secrets";
import { ForbiddenError, NotFoundError } from "@/server/errors";
import type { Actor } from "./actor";
import { recordAudit } from "./audit";
import type { OrgContext } from "./organizations";
import { isWithin, type Role } from "./permissions";

/** Creates a key whose role cannot exceed the creator's (A4). The plain key is returned once. */
export async function createApiKey(db: Db, org: OrgContext, actor: Actor, input: { name: string; role: Role }) {
  if (!isWithin(input.role, org.role)) throw new ForbiddenError(`A ${org.role} cannot create a key with the ${input.role} role`);
  const key = newSecret(API_KEY_PREFIX);
  return db.transaction(async (tx) => {
    const [row] = await tx.insert(apiKeys).values({
      orgId: org.id, name: input.name, role: input.role, prefix: key.slice(0, API_KEY_PREFIX.length + 6), keyHash: hashSecret(key),
      createdBy: actor.kind === "user" ? actor.userId : null,
    }).returning({ id: apiKeys.id, name: apiKeys.name, prefix: apiKeys.prefix, role: apiKeys.role });
    await recordAudit(tx, { orgId: org.id, actor, action: "apiKey.create", targetType: "apiKey", targetId: row.id, details: { name: input.name, role: input.role } });
    return { ...row, key };
  });
}

export async function listApiKeys(db: DbOrTx, orgId: string) {
  return db
    .select({ id: apiKeys.id, name: apiKeys.name, prefix: apiKeys.prefix, role: apiKeys.role, createdAt: apiKeys.createdAt, lastUsedAt: apiKeys.lastUsedAt, revokedAt: apiKeys.revokedAt })
    .from(apiKeys)
    .where(eq(apiKeys.orgId, orgId))
    .orderBy(desc(apiKeys.createdAt));
}

export async function revokeApiKey(db: Db, org: OrgContext, actor: Actor, input: { keyId: string }) {
  return db.transaction(async (tx) => {
    const rows = await tx.update(apiKeys).set({ revokedAt: sql`now()` })
      .where(and(eq(apiKeys.orgId, org.id), eq(apiKeys.id, input.keyId), isNull(apiKeys.revokedAt))).returning({ id: apiKeys.id, name: apiKeys.name });
    if (rows.length === 0) throw new NotFoundError("Active API key");
    await recordAudit(tx, { orgId: org.id, actor, action: "apiKey.revoke", targetType: "apiKey", targetId: input.keyId, details: { name: rows[0].name } });
  });
}

export interface ApiKeyPrincipal { apiKeyId: string; name: string; org: OrgContext }

/** Resolves a presented key; revoked and unknown keys are indistinguishable to the caller. */
export async function authenticateApiKey(db: DbOrTx, presented: string): Promise<ApiKeyPrincipal | null> {
  if (!presented.startsWith(API_KEY_PREFIX)) return null;
  const [row] = await db
    .select({ id: apiKeys.id, name: apiKeys.name, role: apiKeys.role, orgId: organizations.id, slug: organizations.slug, orgName: organizations.name })
    .from(apiKeys)
    .innerJoin(organizations, eq(organizations.id, apiKeys.orgId))
    .where(and(eq(apiKeys.keyHash, hashSecret(presented)), isNull(apiKeys.revokedAt)));
  if (!row) return null;
  // Last-used is informational: update at most once a minute per key to keep hot paths write-free.
  await db.update(apiKeys).set({ lastUsedAt: sql`now()` })
    .where(and(eq(apiKeys.id, row.id), sql`(${apiKeys.lastUsedAt} is null or ${apiKeys.lastUsedAt} < now() - interval '1 minute')`));
  return { apiKeyId: row.id, name: row.name, org: { id: row.orgId, slug: row.slug, name: row.orgName, role: row.role } };
}
