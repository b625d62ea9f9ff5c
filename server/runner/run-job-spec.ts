import type { runs } from "@/server/db/schema";
import type { DistributedSpec, JobResources, JobSpec } from "@/server/executors/types";
import type { RunnerOptions } from "./controller";

type Run = typeof runs.$inferSelect;

/** What the executor runs for a run's current attempt: its spec, plus its own credentials. */
export function jobSpecFor(opts: RunnerOptions, run: Run, token: string): JobSpec {
  const spec = run.executorSpec as {
    command?: string; cwd?: string; env?: Record<string, string>; params?: Record<string, unknown>;
    distributed?: DistributedSpec; pip?: string[];
  };
  return {
    command: spec.command ?? "",
    cwd: spec.cwd,
    env: { ...spec.env, ANVIL_URL: opts.appUrl, ANVIL_RUN_ID: run.id, ANVIL_RUN_TOKEN: token, ANVIL_PARAMS: JSON.stringify(spec.params ?? {}) },
    resources: run.resources as JobResources,
    distributed: spec.distributed,
    pip: spec.pip,
    metadata: { anvil_run_id: run.id, anvil_job_name: run.name.slice(0, 200), anvil_attempt: String(run.attempt) },
  };
}
