import { and, eq, sql } from "drizzle-orm";
import type { DbOrTx } from "@/server/db/client";
import { runs, runTransitions } from "@/server/db/schema";
import { recordAudit } from "@/server/tenancy/audit";
import type { Actor } from "@/server/tenancy/actor";
import { canTransition, isTerminal, type RunStatus } from "./run-lifecycle";

export interface TransitionRequest {
  runId: string;
  orgId: string;
  from: RunStatus;
  to: RunStatus;
  /** The version the caller read; the write only lands if nobody moved the run since. */
  version: number;
  /** When set, the caller must still hold the lease (runner writes). */
  leaseOwner?: string;
  actor: Actor;
  reason?: string;
  /** Extra columns written in the same compare-and-set (remote id, exit code, …). */
  set?: Partial<Pick<typeof runs.$inferInsert, "remoteId" | "exitCode" | "statusMessage" | "logCursor" | "attempt">>;
}

export type TransitionResult = { ok: true; version: number } | { ok: false };

/**
 * The one way a run's status changes: compare-and-set on (status, version[, lease owner]),
 * version bump, transition row (FK-checked against the allowed pairs), audit row and a
 * `pg_notify` wake-up — in the caller's transaction. `{ok:false}` means someone else won:
 * drop the work, never retry the same write blindly.
 */
export async function transition(tx: DbOrTx, req: TransitionRequest): Promise<TransitionResult> {
  if (!canTransition(req.from, req.to)) throw new Error(`illegal run transition ${req.from} → ${req.to}`);
  const timestamps = {
    ...(req.to === "RUNNING" ? { startedAt: sql`coalesce(${runs.startedAt}, now())` } : {}),
    ...(isTerminal(req.to) ? { finishedAt: sql`now()`, leaseOwner: null, leaseExpiresAt: null } : {}),
  };
  const conditions = [eq(runs.id, req.runId), eq(runs.orgId, req.orgId), eq(runs.status, req.from), eq(runs.version, req.version)];
  if (req.leaseOwner) conditions.push(eq(runs.leaseOwner, req.leaseOwner));
  const updated = await tx
    .update(runs)
    .set({ status: req.to, version: sql`${runs.version} + 1`, ...req.set, ...timestamps })
    .where(and(...conditions))
    .returning({ version: runs.version });
  if (updated.length === 0) return { ok: false };
  const version = updated[0].version;
  await tx.insert(runTransitions).values({
    runId: req.runId, orgId: req.orgId, version, fromStatus: req.from, toStatus: req.to, actor: req.actor.label, reason: req.reason ?? null,
  });
  await recordAudit(tx, {
    orgId: req.orgId, actor: req.actor, action: `run.${req.to.toLowerCase()}`, targetType: "run", targetId: req.runId,
    details: { from: req.from, to: req.to, ...(req.reason ? { reason: req.reason } : {}) },
  });
  await tx.execute(sql`select pg_notify('anvil_run', ${JSON.stringify({ runId: req.runId, status: req.to })})`);
  return { ok: true, version };
}
