// Hand-written types for anvil.mjs (the client itself stays plain JavaScript so it runs
// without a build step).

/** Error raised for a failed Anvil call. */
export declare class AnvilError extends Error {
  /** HTTP status, absent for network errors and timeouts. */
  readonly status?: number;
  /** The server's error code, e.g. "BAD_REQUEST"; "ERROR" when the body was not Anvil's JSON. */
  readonly code?: string;
  /** True for network errors, 429 and 5xx: trying again later may succeed. */
  readonly retryable: boolean;
}

export interface AnvilRunOptions {
  /** Base URL of the Anvil server, e.g. "http://127.0.0.1:3000". */
  url: string;
  runId: string;
  /** Run token, sent as `Authorization: Bearer <token>`. */
  token: string;
  /** Attempts per request before giving up (default 5). */
  maxAttempts?: number;
  /** First backoff delay; doubles each retry, with jitter (default 200 ms). */
  retryBaseMs?: number;
  /** Buffered metrics are sent at most this long after being logged (default 1,000 ms). */
  flushIntervalMs?: number;
  /** Buffered metrics are sent as soon as this many points are waiting (default 1,000). */
  flushPoints?: number;
}

/** What the server stored for an uploaded artifact. */
export interface ArtifactInfo {
  path: string;
  size: number;
  sha256: string;
}

export declare class AnvilRun {
  /**
   * The run the platform started this process for, from ANVIL_URL, ANVIL_RUN_ID and
   * ANVIL_RUN_TOKEN; null when ANVIL_RUN_ID or ANVIL_RUN_TOKEN is unset (standalone).
   * Throws when a run id and token are set without ANVIL_URL.
   */
  static fromEnv(env?: Record<string, string | undefined>): AnvilRun | null;

  constructor(options: AnvilRunOptions);

  readonly runId: string;

  /**
   * Buffers one point per key at `step` (an integer >= 0). NaN and ±Infinity are allowed.
   * Points are sent in the background; call flush() or finish() to know they arrived.
   * Throws TypeError on a bad step or a non-number value, and Error after finish().
   */
  log(metrics: Record<string, number>, step: number): void;

  /**
   * Sends everything buffered. Rejects with an AnvilError if the server is unreachable
   * (the points stay buffered for the next flush) or if it refused a batch, including one
   * sent in the background since the last flush (those points are dropped).
   */
  flush(): Promise<void>;

  /** Flushes and stops the timer; log() throws afterwards. Safe to call more than once. */
  finish(): Promise<void>;

  /** Params are write-once: the same value again is fine, a different one rejects (409). */
  logParams(params: Record<string, string | number>): Promise<unknown>;

  setTags(tags: Record<string, string>): Promise<unknown>;

  /** Stores `data` (a string is sent as UTF-8) at `path`, e.g. "model/model.json". */
  uploadArtifact(path: string, data: Uint8Array | string, contentType?: string): Promise<ArtifactInfo>;

  /** Streams the file at `localFile` to `path` without reading it into memory. */
  uploadFile(path: string, localFile: string, contentType?: string): Promise<ArtifactInfo>;
}
