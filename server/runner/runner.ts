import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import type { Db } from "@/server/db/client";
import { env } from "@/server/env";
import { createLocalExecutor } from "@/server/executors/local/local-executor";
import type { Executor } from "@/server/executors/types";
import { claimDueRuns, releaseAllLeases } from "./claim";
import { reconcileRun, type ReconcileContext } from "./reconcile";

export interface RunnerOptions {
  owner: string;
  leaseSeconds: number;
  pollMs: number;
  batchSize: number;
  executors: Record<string, Executor>;
  installId: string;
  appUrl: string;
  localMaxConcurrent: number;
}

/** Runner options from the environment; tests pass their own. */
export function defaultRunnerOptions(role: "web" | "worker" | "tick"): RunnerOptions {
  return {
    owner: `${role}-${os.hostname()}-${process.pid}-${randomBytes(3).toString("hex")}`,
    leaseSeconds: env.ANVIL_LEASE_SECONDS,
    pollMs: env.ANVIL_RUNNER_POLL_MS,
    batchSize: 20,
    executors: { local: createLocalExecutor({ runsDir: path.resolve(env.ANVIL_DATA_DIR, "runs") }) },
    installId: env.ANVIL_INSTALL_ID ?? "anvil",
    appUrl: env.ANVIL_URL ?? `http://127.0.0.1:${env.PORT}`,
    localMaxConcurrent: env.ANVIL_LOCAL_MAX_CONCURRENT,
  };
}

export interface RunOnceResult { claimed: number; errors: number }

/**
 * One pass of the reconcile loop: claim due runs, move each one step, release.
 * The single entry point of the in-process loop, `npm run worker` and POST /api/runner/tick.
 */
export async function runOnce(db: Db, opts: RunnerOptions): Promise<RunOnceResult> {
  const claimed = await claimDueRuns(db, opts.owner, opts.leaseSeconds, opts.batchSize);
  const ctx: ReconcileContext = { db, ...opts };
  let errors = 0;
  for (const run of claimed) {
    try {
      await reconcileRun(ctx, run);
    } catch (err) {
      // The lease expires and the next claim retries; one bad run must not stall the others.
      errors++;
      console.error(`[anvil] runner: run ${run.id} step failed:`, err);
    }
  }
  return { claimed: claimed.length, errors };
}

export interface RunnerLoop { stop(): Promise<void>; wake(): void }

/** Runs `runOnce` every pollMs (sooner after `wake()`), until stopped. Stop releases held leases. */
export function startRunnerLoop(db: Db, opts: RunnerOptions): RunnerLoop {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let wakeNow: (() => void) | undefined;
  const done = (async () => {
    while (!stopped) {
      try {
        const { claimed } = await runOnce(db, opts);
        if (claimed >= opts.batchSize) continue; // more are due: don't wait
      } catch (err) {
        const error = err as Error & { cause?: Error };
        console.error(`[anvil] runner: pass failed (database unavailable?): ${error.cause?.message ?? error.message.split("\n")[0]}`);
      }
      await new Promise<void>((resolve) => {
        wakeNow = resolve;
        timer = setTimeout(resolve, opts.pollMs);
      });
    }
  })();
  return {
    wake: () => wakeNow?.(),
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      wakeNow?.();
      await done;
      await releaseAllLeases(db, opts.owner).catch(() => {});
    },
  };
}
