import path from "node:path";
import { env } from "@/server/env";
import { getObjectStore } from "@/server/storage";
import { resolveStateDirs } from "@/server/host/state-dirs";
import { makeEnvFilesPrivate } from "@/server/executors/local/isolation";
import { createLocalExecutor } from "@/server/executors/local/local-executor";
import { log } from "@/server/log";
import type { Executor } from "@/server/executors/types";
import { runnerOwner, type RunnerOptions } from "./runner";

const holder = globalThis as unknown as { __anvilLocalExecutor?: Executor };

/** The local executor of this process (one per process: it probes the sandbox once). */
export function localExecutor(): Executor {
  if (!holder.__anvilLocalExecutor) {
    const dirs = resolveStateDirs(env.ANVIL_DATA_DIR);
    const local = createLocalExecutor({
      runsDir: path.join(dirs.dataDir, "runs"),
      workspacesDir: path.join(dirs.sharedDir, "workspaces"),
      dataDir: dirs.dataDir,
      writablePaths: (env.ANVIL_JOB_WRITABLE_PATHS ?? "").split(",").map((p) => p.trim()).filter((p) => path.isAbsolute(p)),
    });
    if (local.isolation === "user") {
      const changed = makeEnvFilesPrivate(process.cwd());
      if (changed.length > 0) log.warn("made .env files readable by Anvil's user only: local jobs run as other users", { files: changed });
    }
    holder.__anvilLocalExecutor = local;
  }
  return holder.__anvilLocalExecutor;
}

/** Runner options from the environment; tests pass their own. */
export function defaultRunnerOptions(role: "web" | "worker" | "tick"): RunnerOptions {
  return {
    owner: runnerOwner(role),
    leaseSeconds: env.ANVIL_LEASE_SECONDS,
    pollMs: env.ANVIL_RUNNER_POLL_MS,
    batchSize: 20,
    concurrency: 4,
    callTimeoutMs: 30_000,
    executors: { local: localExecutor() },
    installId: env.ANVIL_INSTALL_ID ?? "anvil",
    appUrl: env.ANVIL_URL ?? `http://127.0.0.1:${env.PORT}`,
    localMaxConcurrent: env.ANVIL_LOCAL_MAX_CONCURRENT,
    placementTimeoutSeconds: 600,
    retention: { store: getObjectStore(), purgeAfterHours: env.ANVIL_PURGE_AFTER_HOURS },
  };
}
