import os from "node:os";
import { randomBytes } from "node:crypto";
import { sql } from "drizzle-orm";
import type { Db } from "@/server/db/client";
import { runnerPlacements } from "@/server/db/schema";
import { log } from "@/server/log";
import type { Controller, RunnerOptions } from "./controller";
import type { LifecycleTable } from "./lifecycle";
import { runController } from "./run-reconciler";
import { sweepController } from "@/server/sweeps/sweep-controller";
import { taskController } from "@/server/pipelines/task-controller";
import { serviceController } from "@/server/inference/service-controller";
import { rolloutController } from "@/server/traffic/rollout-controller";

export type { Controller, FaultPoint, RunnerOptions } from "./controller";

/** Every lifecycle the runner drives; a new one is a new entry here and nothing else. */
const CONTROLLERS: Controller[] = [runController as unknown as Controller, sweepController as unknown as Controller, taskController as unknown as Controller, serviceController as unknown as Controller, rolloutController as unknown as Controller];

export interface RunOnceResult { claimed: number; errors: number }

export class LeaseLostError extends Error {
  constructor(id: string) { super(`lease on ${id} lost (taken over or revoked)`); }
}

/**
 * One pass of the reconcile loop: for each lifecycle, claim due rows, move each one step (a few
 * at a time, leases renewed while they wait or work), release. The single entry point of the
 * in-process loop, `npm run worker` and POST /api/runner/tick.
 */
export async function runOnce(db: Db, opts: RunnerOptions, controllers: Controller[] = CONTROLLERS): Promise<RunOnceResult> {
  const total: RunOnceResult = { claimed: 0, errors: 0 };
  await announcePlacements(db, opts);
  for (const controller of controllers) {
    const rows = await controller.lifecycle.claimDue(db, { owner: opts.owner, leaseSeconds: opts.leaseSeconds, limit: opts.batchSize, where: controller.claimFilter?.(opts) });
    total.claimed += rows.length;
    total.errors += await work(db, opts, controller, rows);
    await controller.housekeeping?.(db, opts).catch((err) => log.warn(`runner: ${controller.lifecycle.name} housekeeping failed`, { err }));
  }
  return total;
}

/** "This runner can still observe these placements" (see runner_placements). */
async function announcePlacements(db: Db, opts: RunnerOptions): Promise<void> {
  const placements = Object.values(opts.executors).map((e) => e.placement).filter((p): p is string => p !== null);
  if (placements.length === 0) return;
  await db.insert(runnerPlacements).values(placements.map((placement) => ({ placement, seenAt: sql`now()` })))
    .onConflictDoUpdate({ target: runnerPlacements.placement, set: { seenAt: sql`now()` } });
}

async function work<T extends LifecycleTable>(db: Db, opts: RunnerOptions, controller: Controller<T>, rows: Array<T["$inferSelect"]>): Promise<number> {
  const held = new Map<string, AbortController>(rows.map((row) => [(row as { id: string }).id, new AbortController()]));
  const renew = async () => {
    const alive = await controller.lifecycle.renewLeases(db, opts.owner, [...held.keys()], opts.leaseSeconds);
    for (const [id, abort] of held) if (!alive.has(id)) abort.abort(new LeaseLostError(id));
  };
  const heartbeat = setInterval(() => void renew().catch((err) => log.warn("runner: lease renewal failed", { err })), (opts.leaseSeconds * 1000) / 3);
  let errors = 0;
  const queue = [...rows];
  const lane = async () => {
    for (let row = queue.shift(); row; row = queue.shift()) {
      const id = (row as { id: string }).id;
      const signal = held.get(id)!.signal;
      try {
        await controller.reconcile(db, opts, row, signal);
      } catch (err) {
        // The lease expires and the next claim retries; one bad row must not stall the others.
        if (!signal.aborted) {
          errors++;
          log.error(`runner: ${controller.lifecycle.name} ${id} step failed`, { err });
        }
      } finally {
        held.delete(id);
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, Math.min(opts.concurrency, rows.length)) }, lane));
  } finally {
    clearInterval(heartbeat);
  }
  return errors;
}

/** A name unique to this runner process, recorded on its leases and in its audit rows. */
export function runnerOwner(role: "web" | "worker" | "tick"): string {
  return `${role}-${os.hostname()}-${process.pid}-${randomBytes(3).toString("hex")}`;
}

export interface RunnerLoop { stop(): Promise<void>; wake(): void }

/** Sweeps run when a runner starts, then every five minutes. */
const SWEEP_EVERY_MS = 5 * 60_000;

/** Runs `runOnce` every pollMs (sooner after `wake()`), until stopped. Stop releases held leases. */
export function startRunnerLoop(db: Db, opts: RunnerOptions): RunnerLoop {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let wakeNow: (() => void) | undefined;
  let lastSweep = 0;
  const done = (async () => {
    while (!stopped) {
      if (Date.now() - lastSweep > SWEEP_EVERY_MS) {
        lastSweep = Date.now();
        for (const controller of CONTROLLERS) await controller.sweep?.(db, opts).catch((err) => log.warn(`runner: ${controller.lifecycle.name} sweep failed`, { err }));
      }
      try {
        const { claimed } = await runOnce(db, opts);
        if (claimed >= opts.batchSize) continue; // more are due: don't wait
      } catch (err) {
        log.error("runner: pass failed (database unavailable?)", { err });
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
      for (const controller of CONTROLLERS) await controller.lifecycle.releaseAll(db, opts.owner).catch(() => {});
    },
  };
}
