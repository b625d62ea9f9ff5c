import { and, eq, sql } from "drizzle-orm";
import type { Db } from "@/server/db/client";
import { runs } from "@/server/db/schema";
import { TERMINAL_REMOTE_STATES, type Executor, type JobSpec, type RemoteStatus } from "@/server/executors/types";
import { systemActor } from "@/server/tenancy/actor";
import { appendRunLog } from "@/server/tracking/logs";
import { expireRunTokens, issueRunToken } from "@/server/tracking/run-tokens";
import type { ClaimedRun } from "./claim";
import { releaseRun } from "./claim";
import type { RunStatus } from "./run-lifecycle";
import { transition } from "./transition";

export interface ReconcileContext {
  db: Db;
  owner: string;
  executors: Record<string, Executor>;
  installId: string;
  appUrl: string;
  pollMs: number;
  localMaxConcurrent: number;
}

/** Deterministic, so a second submit after a crash is absorbed by the executor (intent before effect). */
export function remoteIdFor(installId: string, runId: string, attempt: number): string {
  return `${installId}-${runId}-${attempt}`;
}

const LOCAL_SLOTS_LOCK = 7_304_112_003;
const MAX_LOG_READS_PER_STEP = 8;

/**
 * Moves one claimed run one step towards its desired state. Level-triggered and idempotent: a
 * crash anywhere is repaired by the next claim, which re-reads the executor and carries on.
 */
export async function reconcileRun(ctx: ReconcileContext, claimed: ClaimedRun): Promise<void> {
  const run = { ...claimed };
  const actor = systemActor(`runner:${ctx.owner}`);
  const executor = ctx.executors[run.executor];
  const move = async (from: RunStatus, to: RunStatus, reason: string, set: Parameters<typeof transition>[1]["set"] = {}) => {
    const result = await ctx.db.transaction(async (tx) => {
      const r = await transition(tx, { runId: run.id, orgId: run.orgId, from, to, version: run.version, leaseOwner: ctx.owner, actor, reason, set });
      if (r.ok && (to === "SUCCEEDED" || to === "FAILED" || to === "CANCELLED")) await expireRunTokens(tx, run.id);
      return r;
    });
    if (result.ok) {
      run.version = result.version;
      run.status = to;
    }
    return result.ok;
  };

  if (run.status === "QUEUED") {
    if (run.desiredState === "CANCEL") return void (await move("QUEUED", "CANCELLED", "cancelled before it started"));
    if (!executor) return void (await move("QUEUED", "FAILED", `unknown executor "${run.executor}"`, { statusMessage: `Unknown executor "${run.executor}"` }));
    const started = await enterStarting(ctx, run, actor);
    if (started === "no-slot") return;
    if (!started) return; // fenced: someone else moved the run
  }
  if (!executor || !run.remoteId) return;

  let status = await executor.status(run.remoteId);
  if (run.status === "STARTING" && status.state === "LOST" && run.desiredState === "RUN") {
    // Intent recorded but nothing running under that id: submit (absorbed if it already exists).
    const token = await issueRunToken(ctx.db, run);
    await executor.submit(jobSpecFor(ctx, run, token), run.remoteId);
    status = await executor.status(run.remoteId);
  }
  if (!(await pullLogs(ctx, executor, run))) return;

  if (run.desiredState === "CANCEL" && !isTerminalRemote(status)) {
    await executor.stop(run.remoteId);
    return releaseRun(ctx.db, run, ctx.owner, Math.min(ctx.pollMs, 500), "Stopping…");
  }
  if (isTerminalRemote(status)) {
    const [to, message] = finalStatus(run.desiredState, status);
    await move(run.status, to, message, { exitCode: status.exitCode ?? null, statusMessage: to === "SUCCEEDED" ? null : message });
    return;
  }
  if (status.state === "RUNNING" && run.status === "STARTING") {
    if (!(await move("STARTING", "RUNNING", "process started", { statusMessage: null }))) return;
  }
  await releaseRun(ctx.db, run, ctx.owner, ctx.pollMs);
}

/** QUEUED → STARTING with the remote id, if a slot is free. Returns false when fenced. */
async function enterStarting(ctx: ReconcileContext, run: ClaimedRun, actor: ReturnType<typeof systemActor>): Promise<boolean | "no-slot"> {
  const remoteId = remoteIdFor(ctx.installId, run.id, run.attempt);
  const outcome = await ctx.db.transaction(async (tx) => {
    if (run.executor === "local") {
      // Serialise slot accounting so two runners can't both take the last local slot.
      await tx.execute(sql`select pg_advisory_xact_lock(${LOCAL_SLOTS_LOCK})`);
      const [{ n }] = await tx.select({ n: sql<number>`count(*)::int` }).from(runs)
        .where(and(eq(runs.executor, "local"), sql`${runs.status} in ('STARTING','RUNNING')`));
      if (n >= ctx.localMaxConcurrent) return "no-slot" as const;
    }
    return transition(tx, { runId: run.id, orgId: run.orgId, from: "QUEUED", to: "STARTING", version: run.version, leaseOwner: ctx.owner, actor, reason: "submitting", set: { remoteId, statusMessage: null } });
  });
  if (outcome === "no-slot") {
    await releaseRun(ctx.db, run, ctx.owner, ctx.pollMs, `Waiting for a free local slot (${ctx.localMaxConcurrent} in use; ANVIL_LOCAL_MAX_CONCURRENT)`);
    return "no-slot";
  }
  if (!outcome.ok) return false;
  Object.assign(run, { version: outcome.version, status: "STARTING", remoteId });
  return true;
}

function jobSpecFor(ctx: ReconcileContext, run: ClaimedRun, token: string): JobSpec {
  const spec = run.executorSpec as { command?: string; cwd?: string; env?: Record<string, string>; params?: Record<string, unknown> };
  return {
    command: spec.command ?? "",
    cwd: spec.cwd,
    env: {
      ...spec.env,
      ANVIL_URL: ctx.appUrl,
      ANVIL_RUN_ID: run.id,
      ANVIL_RUN_TOKEN: token,
      ANVIL_PARAMS: JSON.stringify(spec.params ?? {}),
    },
  };
}

/** Copies new executor output into run_logs, fenced by the claim's version. False when fenced. */
async function pullLogs(ctx: ReconcileContext, executor: Executor, run: ClaimedRun): Promise<boolean> {
  for (let i = 0; i < MAX_LOG_READS_PER_STEP; i++) {
    const chunk = await executor.logs(run.remoteId!, run.logCursor);
    if (!chunk.text && chunk.cursor === run.logCursor) return true;
    const ok = await ctx.db.transaction(async (tx) => {
      const updated = await tx.update(runs).set({ logCursor: chunk.cursor })
        .where(and(eq(runs.id, run.id), eq(runs.version, run.version), eq(runs.leaseOwner, ctx.owner), eq(runs.logCursor, run.logCursor)))
        .returning({ id: runs.id });
      if (updated.length === 0) return false;
      await appendRunLog(tx, run, chunk.text);
      return true;
    });
    if (!ok) return false;
    run.logCursor = chunk.cursor;
  }
  return true;
}

function isTerminalRemote(status: RemoteStatus) {
  return TERMINAL_REMOTE_STATES.has(status.state);
}

/** A cancel that lost the race to completion still ends CANCELLED, noting how the job really ended. */
function finalStatus(desired: "RUN" | "CANCEL", status: RemoteStatus): [RunStatus, string] {
  const how = status.state === "SUCCEEDED" ? "exited with code 0"
    : status.state === "FAILED" ? (status.message ?? `exited with code ${status.exitCode}`)
    : status.state === "STOPPED" ? "stopped"
    : `lost: ${status.message ?? "the executor no longer knows this job"}`;
  if (desired === "CANCEL") return ["CANCELLED", status.state === "STOPPED" ? "Cancelled" : `Cancelled (the job had ${how})`];
  if (status.state === "SUCCEEDED") return ["SUCCEEDED", "Succeeded"];
  if (status.state === "STOPPED") return ["FAILED", "Stopped outside Anvil"];
  return ["FAILED", how.charAt(0).toUpperCase() + how.slice(1)];
}
