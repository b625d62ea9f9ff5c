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
}

/** What to run. Serialisable: it is stored on the run row as `executor_spec`. */
export interface JobSpec {
  /** Shell command line, run with `/bin/sh -c`. */
  command: string;
  /** Working directory; relative paths resolve against the app's working directory. */
  cwd?: string;
  /** Extra environment variables for the job (ANVIL_URL, ANVIL_RUN_ID, ANVIL_RUN_TOKEN, …). */
  env?: Record<string, string>;
}

export interface LogChunk {
  text: string;
  /** Opaque position to pass back to read what follows. */
  cursor: string;
}

export interface Executor {
  /** Start the job. Idempotent on `remoteId`: a second call for the same id starts nothing. */
  submit(spec: JobSpec, remoteId: string): Promise<void>;
  status(remoteId: string): Promise<RemoteStatus>;
  /** Output produced after `cursor` ("" = from the start), bounded in size per call. */
  logs(remoteId: string, cursor: string): Promise<LogChunk>;
  /** Ask the job to stop. Fire-and-forget, safe to repeat, safe on a finished job. */
  stop(remoteId: string): Promise<void>;
}

export const TERMINAL_REMOTE_STATES: ReadonlySet<RemoteState> = new Set(["SUCCEEDED", "FAILED", "STOPPED", "LOST"]);
