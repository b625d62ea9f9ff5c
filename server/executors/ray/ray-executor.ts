import { RemoteCallError, type CallOptions, type Executor, type JobSpec, type LogChunk, type RemoteState, type RemoteStatus } from "../types";
import { RayClient, rayAtLeast, type RayConnection, type RayJobDetails, type RaySubmitRequest, type RayVersion } from "./ray-client";

export interface RayExecutorOptions extends RayConnection {
  /** Recorded in each job's metadata; only jobs carrying it are listed as ours. */
  installId: string;
}

export interface RayExecutor extends Executor {
  /** GET /api/version: reachability, auth and the Ray version, for the cluster page. */
  probe(opts: CallOptions): Promise<RayVersion>;
}

/** Largest slice of log text handed to the runner per call. */
const LOG_SLICE = 256 * 1024;
const VERSION_TTL_MS = 60_000;

/**
 * Runs jobs on a Ray cluster through its Jobs REST API. The run's remote id is the Ray
 * `submission_id`, so a second submit of the same attempt is refused by Ray and absorbed here.
 */
export function createRayExecutor(options: RayExecutorOptions): RayExecutor {
  const client = new RayClient(options);
  let known: { version: RayVersion; at: number } | undefined;

  // Fields a server does not know break its request parsing: probe the version before sending any.
  const serverVersion = async (signal: AbortSignal) => {
    if (!known || Date.now() - known.at > VERSION_TTL_MS) known = { version: await client.version(signal), at: Date.now() };
    return known.version.rayVersion;
  };

  return {
    placement: null,
    probe: async ({ signal }) => {
      const version = await client.version(signal);
      known = { version, at: Date.now() };
      return version;
    },
    async submit(spec, remoteId, { signal }) {
      const version = await serverVersion(signal);
      // Older servers ignore submission ids: a retried submit could start the job twice.
      if (!rayAtLeast(version, "2.0")) throw new RemoteCallError("rejected", `Ray ${version} is older than 2.0, the first with submission ids; Anvil needs them to submit a job exactly once`);
      const request = raySubmitRequest(spec, remoteId, version, options.installId);
      await client.submit(request, signal);
    },
    async status(remoteId, { signal }): Promise<RemoteStatus> {
      const job = await client.get(remoteId, signal);
      if (!job) return { state: "LOST", message: `Ray has no job ${remoteId} (was its head restarted without fault tolerance?)` };
      return rayStatus(job);
    },
    async logs(remoteId, cursor, { signal }): Promise<LogChunk> {
      // Ray hands out the whole log each time; the cursor is how much of it we already have.
      const text = (await client.logs(remoteId, signal)) ?? "";
      const from = Math.min(Number.parseInt(cursor || "0", 10) || 0, text.length);
      const slice = text.slice(from, from + LOG_SLICE);
      return { text: slice, cursor: String(from + slice.length) };
    },
    async stop(remoteId, { signal }) {
      await client.stop(remoteId, signal);
    },
    async delete(remoteId, { signal }) {
      await client.delete(remoteId, signal);
    },
    async running({ signal }) {
      const jobs = await client.list(signal);
      return jobs
        .filter((j) => j.type === "SUBMISSION" && j.submission_id && (j.status === "PENDING" || j.status === "RUNNING") && j.metadata?.anvil_install === options.installId)
        .map((j) => j.submission_id!);
    },
  };
}

const STATE: Record<RayJobDetails["status"], RemoteState> = {
  PENDING: "PENDING", RUNNING: "RUNNING", STOPPED: "STOPPED", SUCCEEDED: "SUCCEEDED", FAILED: "FAILED",
};

export function rayStatus(job: RayJobDetails): RemoteStatus {
  const ms = (t: number | null | undefined) => (typeof t === "number" && t > 0 ? new Date(t).toISOString() : null);
  const terminal = job.status === "STOPPED" || job.status === "SUCCEEDED" || job.status === "FAILED";
  return {
    state: STATE[job.status],
    exitCode: job.driver_exit_code ?? null,
    message: job.status === "FAILED" ? [job.error_type, job.message].filter(Boolean).join(": ") || "Job failed." : (job.message ?? undefined),
    // start_time is when Ray accepted the job; it is running only once its status says so.
    startedAt: job.status === "PENDING" ? null : ms(job.start_time),
    finishedAt: terminal ? ms(job.end_time) : null,
  };
}

/**
 * The body of POST /api/jobs/ for a job spec, with only the fields this server's version knows
 * (entrypoint resources from Ray 2.2, memory from 2.8). Ray wants memory in whole bytes and
 * string metadata.
 */
export function raySubmitRequest(spec: JobSpec, remoteId: string, rayVersion: string, installId: string): RaySubmitRequest {
  const runtimeEnv: Record<string, unknown> = { env_vars: { ...spec.env, ...distributedEnv(spec) } };
  if (spec.cwd) runtimeEnv.working_dir = spec.cwd;
  if (spec.pip && spec.pip.length > 0) runtimeEnv.pip = spec.pip;
  const request: RaySubmitRequest = {
    entrypoint: spec.command,
    submission_id: remoteId,
    runtime_env: runtimeEnv,
    metadata: { ...spec.metadata, anvil_install: installId },
  };
  const r = spec.resources ?? {};
  if (rayAtLeast(rayVersion, "2.2")) {
    if (r.cpu) request.entrypoint_num_cpus = r.cpu;
    const gpus = driverGpus(spec);
    if (gpus > 0) {
      request.entrypoint_num_gpus = gpus;
      // Ray's own convention for "a node with this accelerator" (what `accelerator_type=` asks for).
      if (r.gpuType) request.entrypoint_resources = { [`accelerator_type:${r.gpuType}`]: 0.001 };
    }
  }
  if (rayAtLeast(rayVersion, "2.8") && r.memoryGb) request.entrypoint_memory = Math.round(r.memoryGb * 1024 ** 3);
  return request;
}

/**
 * GPUs the entrypoint itself needs. A job across several workers gets them in its workers (Ray
 * Train, the launcher's placement group); on one worker, torchrun runs inside the entrypoint.
 */
export function driverGpus(spec: JobSpec): number {
  const d = spec.distributed;
  if (!d) return spec.resources?.gpuCount ?? 0;
  return d.workers <= 1 ? d.gpusPerWorker : 0;
}

/** What a launcher or a Ray Train script reads to size itself. */
export function distributedEnv(spec: JobSpec): Record<string, string> {
  const d = spec.distributed;
  if (!d) return {};
  return {
    ANVIL_NUM_WORKERS: String(d.workers),
    ANVIL_GPUS_PER_WORKER: String(d.gpusPerWorker),
    ANVIL_CPUS_PER_WORKER: String(d.cpusPerWorker),
    ANVIL_MEMORY_GB_PER_WORKER: String(d.memoryGbPerWorker),
  };
}
