import { and, eq, isNull, or, sql, type SQL } from "drizzle-orm";
import type { Db } from "@/server/db/client";
import { runnerPlacements, runs } from "@/server/db/schema";
import { RemoteCallError, TERMINAL_REMOTE_STATES, type CallOptions, type Executor, type RemoteStatus } from "@/server/executors/types";
import { loadClusterExecutor, recordClusterContact } from "@/server/clusters/cluster-executors";
import { log } from "@/server/log";
import { systemActor } from "@/server/tenancy/actor";
import { hasArtifact } from "@/server/tracking/artifacts";
import { appendRunLog } from "@/server/tracking/logs";
import { issueRunToken } from "@/server/tracking/run-tokens";
import { purgeDeleted } from "@/server/tracking/retention";
import type { ColumnValues } from "./lifecycle";
import { retryDelaySeconds, retryDecision } from "./retry-policy";
import { runLifecycle, type RunStatus } from "./run-lifecycle";
import type { Controller, RunnerOptions } from "./controller";
import { reconcileExternalRun } from "./external-run-step";
import { jobSpecFor } from "./run-job-spec";
import { executorStart, finalStatus } from "./run-outcome";
import { retryOrphanedStops, stopOrphans } from "./orphaned-remotes";
import { dropAdmission, holdsAdmission, needsAdmission, requeueAfterPreemption } from "./run-admission";
import { admissionPass } from "@/server/scheduling/admission-pass";
import { kickProfiling } from "@/server/datasets/profiling";
import { getObjectStore } from "@/server/storage";

type Run = typeof runs.$inferSelect;

/** Deterministic, so a second submit after a crash is absorbed by the executor (intent before effect). */
export function remoteIdFor(installId: string, runId: string, attempt: number): string {
  return `${installId}-${runId}-${attempt}`;
}

const LOCAL_SLOTS_LOCK = 7_304_112_003;
/** Log reads per step while a job runs (256 KiB each); after it ends, reads go on until drained. */
const LOG_READS_WHILE_RUNNING = 8;
const LOG_READS_TO_DRAIN = 400;

const myPlacements = (opts: RunnerOptions) => Object.values(opts.executors).map((e) => e.placement).filter((p): p is string => p !== null);

export const runController: Controller<typeof runs> = {
  lifecycle: runLifecycle,
  // Local runs are observed only from the host and data directory that started them — unless no
  // runner has announced that placement for a while: then its host is gone and anyone may act.
  claimFilter: (opts) => {
    const mine = myPlacements(opts);
    const abandoned = sql`not exists (select 1 from ${runnerPlacements} p where p.placement = ${runs.placement}
      and p.seen_at > now() - make_interval(secs => ${opts.placementTimeoutSeconds}))`;
    return or(isNull(runs.placement), ...(mine.length > 0 ? [sql`${runs.placement} in ${mine}`] : []), abandoned);
  },
  reconcile: (db, opts, row, signal) =>
    row.executor === "external" ? reconcileExternalRun(db, opts, row, signal) : new RunStep(db, opts, { ...row }, signal).reconcile(),
  housekeeping: async (db, opts) => {
    await retryOrphanedStops(db, opts);
    await admissionPass(db);
  },
  sweep: async (db, opts) => {
    await stopOrphans(db, opts);
    // Dataset versions left unprofiled by a restart: profiled again in the background.
    kickProfiling(db, getObjectStore());
    if (opts.retention) {
      const purged = await purgeDeleted(db, opts.retention.store, { purgeAfterHours: opts.retention.purgeAfterHours });
      if (purged.runs + purged.experiments > 0) log.info("runner: purged deleted runs and experiments", { ...purged });
    }
  },
};

/**
 * Moves one claimed run one step towards its desired state. Level-triggered and idempotent: a
 * crash anywhere is repaired by the next claim, which re-reads the executor and carries on.
 */
class RunStep {
  private readonly actor;
  private executor: Executor | undefined;
  /** The registered cluster the run goes to, when it goes to one. */
  private cluster: { id: string; name: string } | undefined;
  private missing = "";

  constructor(private readonly db: Db, private readonly opts: RunnerOptions, private readonly run: Run, private readonly signal: AbortSignal) {
    this.actor = systemActor(`runner:${opts.owner}`);
  }

  async reconcile(): Promise<void> {
    await this.resolveExecutor();
    try {
      await this.step();
      if (this.cluster) await recordClusterContact(this.db, this.cluster.id, null);
    } catch (err) {
      if (!(err instanceof RemoteCallError) || this.signal.aborted) throw err;
      await this.remoteTrouble(err);
    }
  }

  private async resolveExecutor(): Promise<void> {
    const { run, opts } = this;
    if (!run.clusterId) {
      this.executor = opts.executors[run.executor];
      this.missing = `unknown executor "${run.executor}"`;
      return;
    }
    this.missing = "its cluster was deleted";
    const found = await loadClusterExecutor(this.db, run.orgId, run.clusterId, opts.installId).catch((err: Error) => {
      this.missing = `its cluster's credentials cannot be read (${err.message})`;
      return null;
    });
    if (found) {
      this.executor = found.executor;
      this.cluster = { id: found.cluster.id, name: found.cluster.name };
    }
  }

  /**
   * The cluster failed a call (refused the token, timed out, answered garbage): say so on the run
   * and the cluster and look again later. A stop that cannot get through still ends the run,
   * with its job marked orphaned so the runner keeps asking the cluster to stop it.
   */
  private async remoteTrouble(err: RemoteCallError): Promise<void> {
    const where = this.cluster ? `Cluster "${this.cluster.name}"` : "The executor";
    if (this.cluster) await recordClusterContact(this.db, this.cluster.id, err.message);
    if (this.run.desiredState === "CANCEL" && (await this.abandonStop(`${where} did not answer the stop: ${err.message}`))) return;
    // Refused before the job was submitted (bad spec, credentials, no RayJob resource): this
    // attempt cannot start, so it fails saying why. Once submitted, the job may well be running:
    // keep looking, with the reason shown, until the cluster answers again.
    if ((err.kind === "rejected" || err.kind === "auth") && this.run.remoteState === "NONE" && this.run.status === "STARTING") {
      await this.move("FAILED", `${where} refused the job`, { statusMessage: `${where} refused the job: ${err.message}` });
      return;
    }
    const delay = err.kind === "auth" || err.kind === "rejected" ? 30_000 : Math.max(this.opts.pollMs, 5_000);
    await this.release(delay, { statusMessage: `${where}: ${err.message}. Trying again in ${delay / 1000} s.` });
  }

  /** Past the stop deadline: CANCELLED now, the job ORPHANED until the cluster says it ended. */
  private async abandonStop(why: string): Promise<boolean> {
    const { run } = this;
    const orphan = Boolean(run.remoteId) && (run.remoteState === "SUBMITTED" || run.remoteState === "NONE");
    return this.move("CANCELLED", why, {
      statusMessage: orphan ? `Cancelled. ${why}; Anvil keeps asking it to stop the job.` : "Cancelled",
      ...(orphan ? { remoteState: "ORPHANED", nextCheckAt: sql`now()` } : {}),
    }, sql`${runs.cancelRequestedAt} < now() - make_interval(secs => ${this.opts.stopDeadlineSeconds ?? 15})`);
  }

  private async step(): Promise<void> {
    const { run, executor } = this;
    if (run.placement && !myPlacements(this.opts).includes(run.placement)) {
      if (!(await this.takeOver(run.placement))) return;
    }
    if (run.status === "QUEUED") {
      if (run.desiredState === "CANCEL") return void (await this.move("CANCELLED", "cancelled before it started", { statusMessage: "Cancelled" }));
      if (run.desiredState === "PREEMPT") return void (await dropAdmission(this.db, this.opts, run));
      if (!executor) return void (await this.move("FAILED", this.missing, { statusMessage: `Cannot start: ${this.missing}` }));
      if (needsAdmission(run) && !(await holdsAdmission(this.db, this.opts, run))) return;
      const resume = (run.executorSpec as { env?: Record<string, string> }).env?.ANVIL_RESUME_FROM;
      if (resume && !(await hasArtifact(this.db, run, resume))) {
        return void (await this.move("FAILED", "checkpoint missing", { statusMessage: `Cannot start: its checkpoint was never copied into it (${resume}); resume again` }));
      }
      if (!(await this.enterStarting(executor))) return;
      await this.opts.faultPoint?.("run:after-intent");
    }
    if (!run.remoteId) return;
    if (!executor) return void (await this.finish({ state: "LOST", message: this.missing }));
    const remoteId = run.remoteId;

    let status = await this.call((o) => executor.status(remoteId, o));
    if (run.remoteState === "NONE") {
      if (status.state === "LOST" && run.desiredState === "CANCEL") {
        return void (await this.move("CANCELLED", "cancelled before its job was submitted", { statusMessage: "Cancelled" }));
      }
      if (status.state === "LOST" && run.desiredState === "PREEMPT") return this.finish(status);
      if (status.state === "LOST") {
        // Intent recorded but nothing under that id yet: submit (absorbed if it already exists).
        const token = await issueRunToken(this.db, run);
        await this.call((o) => executor.submit(jobSpecFor(this.opts, run, token), remoteId, o));
        await this.opts.faultPoint?.("run:after-submit");
      }
      if (!(await this.fencedUpdate({ remoteState: "SUBMITTED" }))) return;
      status = await this.call((o) => executor.status(remoteId, o));
    }

    const ended = TERMINAL_REMOTE_STATES.has(status.state);
    const logs = await this.pullLogs(executor, ended ? LOG_READS_TO_DRAIN : LOG_READS_WHILE_RUNNING).catch(async (err: unknown) => {
      // A finished job whose output is gone (its node or Ray cluster went with it) still ends.
      if (!ended || !(err instanceof RemoteCallError)) throw err;
      await appendRunLog(this.db, run, `\n[anvil] the rest of the output could not be read: ${err.message}\n`);
      return "drained" as const;
    });
    if (logs === "fenced") return;
    if (ended && logs === "more") return this.release(0); // not terminal until every byte is in

    if (run.desiredState !== "RUN" && !ended) {
      await this.call((o) => executor.stop(remoteId, o));
      // A preempted job holds its GPUs until it has stopped; the preemption's reason stays shown.
      if (run.desiredState === "PREEMPT") return this.release(Math.min(this.opts.pollMs, 500));
      if (await this.abandonStop("the job did not stop in time")) return;
      return this.release(Math.min(this.opts.pollMs, 500), { statusMessage: "Stopping…" });
    }
    if (ended) {
      await this.opts.faultPoint?.("run:before-terminal");
      return void (await this.finish(status));
    }
    if (status.state === "RUNNING" && run.status === "STARTING") {
      if (!(await this.move("RUNNING", "process started", { statusMessage: null, ...executorStart(status) }))) return;
    }
    await this.release(this.opts.pollMs);
  }

  /**
   * A run placed where no runner has answered for a while. Our own data directory seen from a
   * new boot or namespace: adopt it (the executor will say whether the job still lives). Anything
   * else: its host is gone, so the job counts as lost (retried, or ended, as the policy says).
   */
  private async takeOver(placement: string): Promise<boolean> {
    const local = this.executor?.placement;
    const sameDataDir = local && placement.split(":").slice(0, 2).join(":") === local.split(":").slice(0, 2).join(":");
    if (sameDataDir) return this.fencedUpdate({ placement: local });
    const minutes = Math.round(this.opts.placementTimeoutSeconds / 60);
    if (this.run.desiredState === "CANCEL") {
      await this.move("CANCELLED", "its host stopped answering", { statusMessage: `Cancelled here; its host has not answered for ${minutes} min, so the job may still be running there` });
      return false;
    }
    await this.finish({ state: "LOST", message: `no runner has answered for the host that ran it in ${minutes} min` });
    return false;
  }

  /** The remote job ended: a final status, or a retry under a new attempt when the policy allows. */
  private async finish(status: RemoteStatus): Promise<void> {
    const { run } = this;
    const times: ColumnValues<typeof runs> = {
      exitCode: status.exitCode ?? null,
      exitSignal: status.signal ?? null,
      ...executorStart(status),
      ...(status.finishedAt ? { finishedAt: new Date(status.finishedAt) } : {}),
    };
    // Preempted and stopped (not finished first: a job that completed keeps its success).
    if (run.desiredState === "PREEMPT" && status.state !== "SUCCEEDED") {
      const { reason, set } = await requeueAfterPreemption(this.db, run);
      if (await this.move("QUEUED", reason, set)) await this.release(0);
      return;
    }
    const lost = status.state === "LOST";
    const decision = retryDecision(run, status);
    if (decision.retry) {
      const delay = retryDelaySeconds(run.attempt);
      const next = run.attempt + 1;
      const message = `Attempt ${run.attempt} ${lost ? "was lost" : "failed"} (${status.message ?? status.state}); attempt ${next} of ${run.maxRetries + 1} starts in ${delay} s`;
      const moved = await this.move("QUEUED", message, {
        attempt: next, remoteId: null, remoteState: "NONE", placement: null, logCursor: "", statusMessage: message, exitCode: null, exitSignal: null,
      });
      if (moved) await this.release(delay * 1000);
      return;
    }
    const [to, message] = finalStatus(run.desiredState, status, decision.note);
    await this.move(to, message, { ...times, remoteState: lost ? "LOST" : run.remoteState, statusMessage: to === "SUCCEEDED" ? null : message });
  }

  /** QUEUED → STARTING with the remote id, if a slot is free. False when fenced or waiting. */
  private async enterStarting(executor: Executor): Promise<boolean> {
    const { run, opts } = this;
    const remoteId = remoteIdFor(opts.installId, run.id, run.attempt);
    const outcome = await this.db.transaction(async (tx) => {
      if (executor.placement !== null) {
        // Serialise slot accounting so two runners can't both take the last local slot.
        await tx.execute(sql`select pg_advisory_xact_lock(${LOCAL_SLOTS_LOCK})`);
        const [{ n }] = await tx.select({ n: sql<number>`count(*)::int` }).from(runs)
          .where(and(eq(runs.placement, executor.placement), sql`${runs.status} in ('STARTING','RUNNING')`));
        if (n >= opts.localMaxConcurrent) return "no-slot" as const;
      }
      return runLifecycle.transition(tx, {
        id: run.id, orgId: run.orgId, from: "QUEUED", to: "STARTING", version: run.version, leaseOwner: opts.owner, actor: this.actor,
        reason: run.attempt > 1 ? `submitting attempt ${run.attempt}` : "submitting",
        set: { remoteId, remoteState: "NONE", placement: executor.placement, statusMessage: null },
      });
    });
    if (outcome === "no-slot") {
      await this.release(opts.pollMs, { statusMessage: `Waiting for a free local slot (${opts.localMaxConcurrent} in use; ANVIL_LOCAL_MAX_CONCURRENT)` });
      return false;
    }
    if (!outcome.ok) return false;
    Object.assign(run, outcome.row);
    return true;
  }

  private async move(to: RunStatus, reason: string, set: ColumnValues<typeof runs> = {}, guard?: SQL): Promise<boolean> {
    this.signal.throwIfAborted();
    const { run } = this;
    const result = await this.db.transaction((tx) => runLifecycle.transition(tx, {
      id: run.id, orgId: run.orgId, from: run.status as RunStatus, to, version: run.version, leaseOwner: this.opts.owner, actor: this.actor, reason, set, guard,
    }));
    if (result.ok) Object.assign(run, result.row);
    return result.ok;
  }

  /** A write beside the status, fenced by the claim: false when someone else holds the run now. */
  private async fencedUpdate(set: ColumnValues<typeof runs>): Promise<boolean> {
    this.signal.throwIfAborted();
    const { run } = this;
    const updated = await this.db.update(runs).set(set as never)
      .where(and(eq(runs.id, run.id), eq(runs.version, run.version), eq(runs.leaseOwner, this.opts.owner)))
      .returning({ id: runs.id });
    if (updated.length > 0) Object.assign(run, set);
    return updated.length > 0;
  }

  private release(delayMs: number, set?: ColumnValues<typeof runs>): Promise<void> {
    return runLifecycle.release(this.db, this.run, this.opts.owner, delayMs, set);
  }

  /** Copies new executor output into run_logs, fenced by the claim. */
  private async pullLogs(executor: Executor, maxReads: number): Promise<"drained" | "more" | "fenced"> {
    const { run } = this;
    for (let i = 0; i < maxReads; i++) {
      const chunk = await this.call((o) => executor.logs(run.remoteId!, run.logCursor, o));
      if (!chunk.text && chunk.cursor === run.logCursor) return "drained";
      this.signal.throwIfAborted();
      const ok = await this.db.transaction(async (tx) => {
        const updated = await tx.update(runs).set({ logCursor: chunk.cursor })
          .where(and(eq(runs.id, run.id), eq(runs.version, run.version), eq(runs.leaseOwner, this.opts.owner), eq(runs.logCursor, run.logCursor)))
          .returning({ id: runs.id });
        if (updated.length === 0) return false;
        await appendRunLog(tx, run, chunk.text);
        return true;
      });
      if (!ok) return "fenced";
      run.logCursor = chunk.cursor;
      await this.opts.faultPoint?.("run:after-log-chunk");
    }
    return "more";
  }

  /** An executor call bounded by the step's signal and the call timeout, even if it ignores them. */
  private call<T>(fn: (opts: CallOptions) => Promise<T>): Promise<T> {
    const signal = AbortSignal.any([this.signal, AbortSignal.timeout(this.opts.callTimeoutMs)]);
    signal.throwIfAborted();
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => {
        // Our lease went: stop quietly. The executor went silent: the run and cluster say so.
        if (this.signal.aborted) return reject(this.signal.reason instanceof Error ? this.signal.reason : new Error("executor call aborted"));
        const ms = this.opts.callTimeoutMs;
        reject(new RemoteCallError("timeout", `no answer within ${ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`}`));
      };
      signal.addEventListener("abort", onAbort, { once: true });
      fn({ signal }).then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
    });
  }
}
