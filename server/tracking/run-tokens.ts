import { and, eq, gt, sql } from "drizzle-orm";
import type { DbOrTx } from "@/server/db/client";
import { organizations, runs, runTokens } from "@/server/db/schema";
import { CREDENTIAL_CACHE_MS, CredentialCache } from "@/server/tenancy/credential-cache";
import { hashSecret, newSecret, RUN_TOKEN_PREFIX } from "@/server/auth/secrets";

/** Long enough for a multi-day training job; the token dies with the run anyway (expireRunTokens). */
const RUN_TOKEN_TTL_HOURS = 24 * 7;

/** A credential for one attempt of one run, injected into the job's environment. */
export async function issueRunToken(tx: DbOrTx, run: { id: string; orgId: string; attempt: number }): Promise<string> {
  const token = newSecret(RUN_TOKEN_PREFIX);
  await tx.insert(runTokens).values({
    tokenHash: hashSecret(token), runId: run.id, orgId: run.orgId, attempt: run.attempt,
    expiresAt: sql`now() + make_interval(hours => ${RUN_TOKEN_TTL_HOURS})`,
  });
  return token;
}

const accepted = new CredentialCache<RunTokenPrincipal>(CREDENTIAL_CACHE_MS);

export async function expireRunTokens(tx: DbOrTx, runId: string): Promise<void> {
  accepted.drop((t) => t.runId === runId);
  await tx.update(runTokens).set({ expiresAt: sql`now()` }).where(and(eq(runTokens.runId, runId), gt(runTokens.expiresAt, sql`now()`)));
}

export interface RunTokenPrincipal { runId: string; attempt: number; org: { id: string; slug: string; name: string } }

export async function authenticateRunToken(db: DbOrTx, presented: string): Promise<RunTokenPrincipal | null> {
  if (!presented.startsWith(RUN_TOKEN_PREFIX)) return null;
  const hash = hashSecret(presented);
  const cached = accepted.get(hash);
  if (cached) return cached;
  const [row] = await db
    .select({ runId: runTokens.runId, attempt: runTokens.attempt, expiresAt: runTokens.expiresAt, orgId: organizations.id, slug: organizations.slug, name: organizations.name })
    .from(runTokens)
    .innerJoin(runs, eq(runs.id, runTokens.runId))
    .innerJoin(organizations, eq(organizations.id, runTokens.orgId))
    .where(and(eq(runTokens.tokenHash, hash), gt(runTokens.expiresAt, sql`now()`)));
  if (!row) return null;
  const principal = { runId: row.runId, attempt: row.attempt, org: { id: row.orgId, slug: row.slug, name: row.name } };
  accepted.set(hash, principal, row.expiresAt);
  return principal;
}
