import { and, asc, eq, gt, sql } from "drizzle-orm";
import type { DbOrTx } from "@/server/db/client";
import { runLogs } from "@/server/db/schema";

/**
 * Appends a chunk of a job's output. PostgreSQL text cannot hold NUL, which binary output
 * contains: it is shown as U+FFFD, like any other byte that is not text.
 */
export async function appendRunLog(tx: DbOrTx, run: { id: string; orgId: string; attempt: number }, text: string): Promise<void> {
  if (!text) return;
  await tx.insert(runLogs).values({ runId: run.id, orgId: run.orgId, attempt: run.attempt, text: text.replaceAll("\u0000", "\uFFFD") });
  await tx.execute(sql`select pg_notify('anvil_logs', ${run.id})`);
}

/** Log chunks after `afterId` (the SSE cursor), oldest first. */
export async function readRunLogs(db: DbOrTx, orgId: string, runId: string, afterId: number, limit = 500) {
  return db
    .select({ id: runLogs.id, text: runLogs.text, attempt: runLogs.attempt, at: runLogs.at })
    .from(runLogs)
    .where(and(eq(runLogs.orgId, orgId), eq(runLogs.runId, runId), gt(runLogs.id, afterId)))
    .orderBy(asc(runLogs.id))
    .limit(limit);
}
