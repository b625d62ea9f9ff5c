/**
 * The whole contract between the runner and the outside world (ARCHITECTURE.md §5).
 * Executors never touch the database: the runner turns what they report into transitions.
 */

export type RemoteState = "PENDING" | "RUNNING" | "SUCCEEDED" | "FAILED" | "STOPPED" | "LOST";

export interface RemoteStatus {
  state: RemoteState;
  /** Process exit code when the executor knows it (local executor, Ray driver). */
  exitCode?: number | null;
  /** Signal that ended the process, e.g. "SIGTERM". */
  signal?: string | null;
  /** Human-readable detail, e.g. "exited with code 2" or "run directory missing". */
  message?: string;
  /** When the job really started and ended, by the executor's clock (ISO 8601). */
  startedAt?: string | null;
  finishedAt?: string | null;
}

/** What the job's entrypoint (the driver, on a cluster) asks for. */
export interface JobResources {
  cpu?: number;
  memoryGb?: number;
  gpuCount?: number;
  /** e.g. "A100"; Ray's `accelerator_type:<type>` resource, a node selector on Kubernetes. */
  gpuType?: string;
}

/** Distributed training: worker processes spread over nodes, each with its own GPUs. */
export interface DistributedSpec {
  workers: number;
  gpusPerWorker: number;
  cpusPerWorker: number;
  memoryGbPerWorker: number;
}

/** What to run. Serialisable: it is stored on the run row as `executor_spec`. */
export interface JobSpec {
  /** Shell command line, run with `/bin/sh -c` (Ray: the job's entrypoint). */
  command: string;
  /** Working directory; relative paths resolve against the job's workspace. Ray: a `working_dir` URI. */
  cwd?: string;
  /** The job's own environment variables (ANVIL_URL, ANVIL_RUN_ID, ANVIL_RUN_TOKEN, …). */
  env?: Record<string, string>;
  resources?: JobResources;
  distributed?: DistributedSpec;
  /** Python packages a cluster installs for the job (Ray `runtime_env.pip`). */
  pip?: string[];
  /** Strings recorded beside the job on the cluster (Ray metadata, Kubernetes labels). */
  metadata?: Record<string, string>;
}

export interface LogChunk {
  text: string;
  /** Opaque position to pass back to read what follows. */
  cursor: string;
}

/** Every call can be abandoned: the runner aborts it on timeout or when its lease is lost. */
export interface CallOptions {
  signal: AbortSignal;
}

export interface Executor {
  /**
   * Where this executor's jobs can be observed from: `local:<instance>` for jobs on this host
   * and data directory, null when any runner can reach them (a cluster's API).
   */
  readonly placement: string | null;
  /** Start the job. Idempotent on `remoteId`: a second call for the same id starts nothing. */
  submit(spec: JobSpec, remoteId: string, opts: CallOptions): Promise<void>;
  status(remoteId: string, opts: CallOptions): Promise<RemoteStatus>;
  /** Output produced after `cursor` ("" = from the start), bounded in size per call. */
  logs(remoteId: string, cursor: string, opts: CallOptions): Promise<LogChunk>;
  /** Ask the job to stop. Fire-and-forget, safe to repeat, safe on a finished job. */
  stop(remoteId: string, opts: CallOptions): Promise<void>;
  /** Forget a finished job on the remote side (Ray delete, RayJob delete). Safe to repeat. */
  delete?(remoteId: string, opts: CallOptions): Promise<void>;
  /** Remote ids of the jobs running now, where the executor can list them (for orphan sweeps). */
  running?(opts: CallOptions): Promise<string[]>;
}

export const TERMINAL_REMOTE_STATES: ReadonlySet<RemoteState> = new Set(["SUCCEEDED", "FAILED", "STOPPED", "LOST"]);

/**
 * A foreign system refused or failed a call in a way the user can act on: the runner shows the
 * message on the run and the cluster, and tries again later. `kind` says what to fix.
 */
export class RemoteCallError extends Error {
  constructor(
    readonly kind: "auth" | "unreachable" | "timeout" | "protocol" | "rejected",
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = "RemoteCallError";
  }
}
