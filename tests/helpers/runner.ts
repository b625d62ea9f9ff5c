import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { getDb } from "@/server/db/client";
import { runs } from "@/server/db/schema";
import { createLocalExecutor, type LocalExecutorOptions } from "@/server/executors/local/local-executor";
import { runOnce, type RunnerOptions } from "@/server/runner/runner";
import { unique } from "./fixtures";

/**
 * A local executor over a fresh directory under the system temp dir (reachable by job users
 * when the tests run as root, so jobs run under their own uids as in production).
 */
export function testLocalExecutor(overrides: Partial<LocalExecutorOptions> = {}) {
  const base = path.join(os.tmpdir(), `anvil-local-${unique()}`);
  fs.mkdirSync(base, { mode: 0o711 });
  fs.chmodSync(base, 0o711);
  return createLocalExecutor({ runsDir: path.join(base, "runs"), workspacesDir: path.join(base, "workspaces"), dataDir: base, stopGraceMs: 1000, ...overrides });
}

export function testRunnerOptions(overrides: Partial<RunnerOptions> = {}): RunnerOptions {
  return {
    owner: `test-${unique()}`,
    leaseSeconds: 5,
    pollMs: 50,
    batchSize: 20,
    concurrency: 4,
    callTimeoutMs: 10_000,
    executors: { local: testLocalExecutor() },
    installId: "test",
    appUrl: "http://127.0.0.1:9",
    localMaxConcurrent: 4,
    placementTimeoutSeconds: 600,
    ...overrides,
  };
}

/** Drives the runner until the run reaches one of `statuses` (no sleeps beyond the poll). */
export async function runUntil(runId: string, statuses: string[], opts: RunnerOptions, timeoutMs = 20_000) {
  const db = await getDb();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await db.update(runs).set({ nextCheckAt: new Date(0) }).where(eq(runs.id, runId));
    await runOnce(db, opts);
    const [run] = await db.select().from(runs).where(eq(runs.id, runId));
    if (statuses.includes(run.status)) return run;
    if (Date.now() > deadline) throw new Error(`run stayed ${run.status} (${run.statusMessage ?? ""})`);
    await new Promise((r) => setTimeout(r, opts.pollMs));
  }
}
