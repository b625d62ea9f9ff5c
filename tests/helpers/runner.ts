import os from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { getDb } from "@/server/db/client";
import { runs } from "@/server/db/schema";
import { createLocalExecutor } from "@/server/executors/local/local-executor";
import { runOnce, type RunnerOptions } from "@/server/runner/runner";
import { unique } from "./fixtures";

export function testRunnerOptions(overrides: Partial<RunnerOptions> = {}): RunnerOptions {
  return {
    owner: `test-${unique()}`,
    leaseSeconds: 5,
    pollMs: 50,
    batchSize: 20,
    executors: { local: createLocalExecutor({ runsDir: path.join(os.tmpdir(), `anvil-runs-${unique()}`), stopGraceMs: 1000 }) },
    installId: "test",
    appUrl: "http://127.0.0.1:9",
    localMaxConcurrent: 4,
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
