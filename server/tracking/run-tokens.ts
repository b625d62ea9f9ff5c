import { and, eq, gt, sql } from "drizzle-orm";
import type { DbOrTx } from "@/server/db/client";
import { organizations, runs, runTokens } from "@/server/db/schema";
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

export async function expireRunTokens(tx: DbOrTx, runId: string): Promise<void> {
  await tx.update(runTokens).set({ expiresAt: sql`now()` }).where(and(eq(runTokens.runId, runId), gt(runTokens.expiresAt, sql`now()`)));
}

export interface RunTokenPrincipal { runId: string; attempt: number; org: { id: string; slug: string; name: string } }

export async function authenticateRunToken(db: DbOrTx, presented: string): Promise<RunTokenPrincipal | null> {
  if (!presented.startsWith(RUN_TOKEN_PREFIX)) return null;
  const [row] = await db
    .select({ runId: runTokens.runId, attempt: runTokens.attempt, orgId: organizations.id, slug: organizations.slug, name: organizations.name })
    .from(runTokens)
    .innerJoin(runs, eq(runs.id, runTokens.runId))
    .innerJoin(organizations, eq(organizations.id, runTokens.orgId))
    .where(and(eq(runTokens.tokenHash, hashSecret(presented)), gt(runTokens.expiresAt, sql`now()`)));
  return row ? { runId: row.runId, attempt: row.attempt, org: { id: row.orgId, slug: row.slug, name: row.name } } : null;
}
