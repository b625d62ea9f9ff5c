import { spawn, type ChildProcess } from "node:child_process";
import http from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A Ray dashboard's Jobs REST API, faithful to reference/ray-vllm-contracts.md §1: trailing
 * slashes, plain-text errors, a duplicate submission_id refused with a 500 carrying Ray's message,
 * fields newer than the server's version refused with 400, asynchronous stop, millisecond times,
 * token auth (401 missing / 403 wrong). `execute` runs each entrypoint as a real process (as
 * Ray's JobSupervisor does) so logs and metrics are real; `simulate` only plays the states.
 * Test controls: forget everything (a head restart without GCS fault tolerance), refuse to stop,
 * answer garbage, hang.
 */
export interface FakeRayOptions {
  mode?: "execute" | "simulate";
  token?: string;
  rayVersion?: string;
  /** simulate: PENDING for this long, then RUNNING for `runMs`, then SUCCEEDED. */
  startMs?: number;
  runMs?: number;
  /** How long a stopped job takes to become STOPPED (Ray: SIGTERM, SIGKILL after 3 s). */
  stopMs?: number;
  cwd?: string;
}

export interface FakeRayJob {
  submission_id: string;
  entrypoint: string;
  status: "PENDING" | "RUNNING" | "STOPPED" | "SUCCEEDED" | "FAILED";
  message: string | null;
  start_time: number;
  end_time: number | null;
  driver_exit_code: number | null;
  metadata: Record<string, string>;
  runtime_env: Record<string, unknown>;
  request: Record<string, unknown>;
  logs: string;
  process?: ChildProcess;
  timers: NodeJS.Timeout[];
}

const KNOWN_FIELDS: Array<[string, string]> = [
  ["entrypoint", "0"], ["submission_id", "2.0"], ["job_id", "0"], ["runtime_env", "0"], ["metadata", "0"],
  ["entrypoint_num_cpus", "2.2"], ["entrypoint_num_gpus", "2.2"], ["entrypoint_resources", "2.2"], ["entrypoint_memory", "2.8"],
];

const atLeast = (v: string, min: string) => {
  const a = v.split(".").map(Number), b = min.split(".").map(Number);
  for (let i = 0; i < b.length; i++) if ((a[i] ?? 0) !== b[i]) return (a[i] ?? 0) > b[i];
  return true;
};

export class FakeRay {
  readonly jobs = new Map<string, FakeRayJob>();
  /** POST /api/jobs/ calls per submission id, duplicates included. */
  readonly submitCalls = new Map<string, number>();
  readonly stopCalls = new Map<string, number>();
  neverStop = false;
  /** Log reads fail as when the driver's node is gone (the agent's error, wrapped in a 500). */
  failLogs = false;
  garbage = false;
  hang = false;
  private server?: http.Server;
  private readonly opts: Required<Omit<FakeRayOptions, "token" | "cwd">> & Pick<FakeRayOptions, "token" | "cwd">;

  constructor(options: FakeRayOptions = {}) {
    this.opts = { mode: "simulate", rayVersion: "2.52.0", startMs: 50, runMs: 200, stopMs: 300, ...options };
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  async listen(port = 0): Promise<this> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((r) => this.server!.listen(port, "127.0.0.1", r));
    return this;
  }

  async close(): Promise<void> {
    this.restartHead();
    this.server?.closeAllConnections();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  /** The head restarted without GCS fault tolerance: every job and its driver are gone. */
  restartHead(): void {
    for (const job of this.jobs.values()) {
      job.timers.forEach(clearTimeout);
      job.process?.kill("SIGKILL");
    }
    this.jobs.clear();
  }

  /** Distinct jobs submitted, and how many submits were refused as duplicates. */
  counts() {
    let calls = 0;
    for (const n of this.submitCalls.values()) calls += n;
    return { jobs: this.submitCalls.size, submitCalls: calls, duplicates: calls - this.submitCalls.size };
  }

  // ── the Jobs API, callable in-process too (the fake KubeRay operator uses it) ──

  submit(body: Record<string, unknown>): { status: number; text: string } {
    for (const key of Object.keys(body)) {
      const known = KNOWN_FIELDS.find(([k]) => k === key);
      if (!known || !atLeast(this.opts.rayVersion, known[1])) return { status: 400, text: `Traceback (most recent call last):\nTypeError: JobSubmitRequest.__init__() got an unexpected keyword argument '${key}'` };
    }
    if (typeof body.entrypoint !== "string") return { status: 400, text: "TypeError: entrypoint must be a string, got <class 'NoneType'>" };
    if (body.entrypoint_memory !== undefined && !Number.isInteger(body.entrypoint_memory)) return { status: 400, text: "TypeError: entrypoint_memory must be an int" };
    const metadata = (body.metadata ?? {}) as Record<string, unknown>;
    if (Object.values(metadata).some((v) => typeof v !== "string")) return { status: 400, text: "TypeError: metadata values must be strings" };
    const id = String(body.submission_id ?? body.job_id ?? `raysubmit_${Math.random().toString(36).slice(2, 18)}`);
    this.submitCalls.set(id, (this.submitCalls.get(id) ?? 0) + 1);
    if (this.jobs.has(id)) {
      return { status: 500, text: `Traceback (most recent call last):\nRuntimeError: Request failed with status code 400: Traceback (most recent call last):\nValueError: Job with submission_id ${id} already exists. Please use a different submission_id.\n.` };
    }
    const job: FakeRayJob = {
      submission_id: id, entrypoint: body.entrypoint, status: "PENDING", message: "Job has not started yet.", start_time: Date.now(), end_time: null,
      driver_exit_code: null, metadata: metadata as Record<string, string>, runtime_env: (body.runtime_env ?? {}) as Record<string, unknown>, request: body, logs: "", timers: [],
    };
    this.jobs.set(id, job);
    job.timers.push(setTimeout(() => this.start(job), this.opts.startMs));
    return { status: 200, text: JSON.stringify({ job_id: id, submission_id: id }) };
  }

  private start(job: FakeRayJob): void {
    if (job.status !== "PENDING") return;
    if ((job as { stopping?: boolean }).stopping) return this.end(job, -15, true); // stopped before its driver started
    job.status = "RUNNING";
    job.message = "Job is currently running.";
    if (this.opts.mode === "simulate") {
      job.logs += `simulated job ${job.submission_id} running\n`;
      job.timers.push(setTimeout(() => this.end(job, /\bexit [1-9]/.test(job.entrypoint) ? 1 : 0), this.opts.runMs));
      return;
    }
    const envVars = (job.runtime_env.env_vars ?? {}) as Record<string, string>;
    const child = spawn("/bin/sh", ["-c", job.entrypoint], { cwd: this.opts.cwd ?? process.cwd(), env: { ...process.env, ...envVars }, stdio: ["ignore", "pipe", "pipe"] });
    job.process = child;
    child.stdout!.on("data", (d: Buffer) => (job.logs += d.toString()));
    child.stderr!.on("data", (d: Buffer) => (job.logs += d.toString()));
    child.on("exit", (code, signal) => this.end(job, code ?? (signal ? 128 : 1), signal !== null));
  }

  private end(job: FakeRayJob, exitCode: number, killed = false): void {
    if (job.status === "STOPPED" || job.status === "SUCCEEDED" || job.status === "FAILED") return; // terminal never changes
    job.timers.forEach(clearTimeout);
    if (job.process && job.process.exitCode === null && job.process.signalCode === null) job.process.kill("SIGKILL");
    job.driver_exit_code = exitCode;
    job.end_time = Date.now();
    if (killed || (job as { stopping?: boolean }).stopping) {
      job.status = "STOPPED";
      job.message = "Job was intentionally stopped.";
    } else if (exitCode === 0) {
      job.status = "SUCCEEDED";
      job.message = "Job finished successfully.";
    } else {
      job.status = "FAILED";
      job.message = `Job entrypoint command failed with exit code ${exitCode}, last available logs (truncated to 20,000 chars):\n${job.logs.slice(-200)}`;
    }
  }

  stop(id: string): { status: number; text: string } {
    const job = this.jobs.get(id);
    if (!job) return { status: 404, text: `Job ${id} does not exist` };
    this.stopCalls.set(id, (this.stopCalls.get(id) ?? 0) + 1);
    if (["STOPPED", "SUCCEEDED", "FAILED"].includes(job.status)) return { status: 200, text: JSON.stringify({ stopped: false }) };
    if (!this.neverStop) {
      (job as { stopping?: boolean }).stopping = true;
      if (job.process) {
        job.process.kill("SIGTERM");
        job.timers.push(setTimeout(() => job.process?.kill("SIGKILL"), 3000));
      } else if (job.status === "PENDING") {
        job.timers.push(setTimeout(() => this.end(job, -15, true), this.opts.stopMs));
      } else {
        job.timers.push(setTimeout(() => this.end(job, -15, true), this.opts.stopMs));
      }
    }
    return { status: 200, text: JSON.stringify({ stopped: true }) };
  }

  details(job: FakeRayJob) {
    return {
      type: "SUBMISSION", job_id: job.status === "PENDING" ? null : "02000000", submission_id: job.submission_id, driver_info: null,
      status: job.status, entrypoint: job.entrypoint, message: job.message, error_type: null, start_time: job.start_time, end_time: job.end_time,
      metadata: job.metadata, runtime_env: job.runtime_env, driver_agent_http_address: null, driver_node_id: null, driver_exit_code: job.driver_exit_code,
    };
  }

  private authError(req: http.IncomingMessage): { status: number; text: string } | null {
    if (!this.opts.token) return null;
    const cookie = /(?:^|;\s*)ray-authentication-token=([^;]+)/.exec(req.headers.cookie ?? "")?.[1];
    const value = req.headers.authorization ?? (req.headers["x-ray-authorization"] as string | undefined) ?? (cookie ? decodeURIComponent(cookie) : undefined);
    if (!value) return { status: 401, text: "Unauthorized: Missing authentication token" };
    if (value !== `Bearer ${this.opts.token}`) return { status: 403, text: "Forbidden: Invalid authentication token" };
    return null;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    if (this.hang) return; // never answers
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const send = (status: number, text: string, json = status < 300) => {
      res.writeHead(status, { "content-type": json ? "application/json; charset=utf-8" : "text/plain; charset=utf-8" }).end(text);
    };
    if (this.garbage) return send(200, "<html><body>502 Bad Gateway (nginx)</body></html>", false);
    const auth = this.authError(req);
    if (auth) return send(auth.status, auth.text, false);
    const url = new URL(req.url ?? "/", "http://x");
    const path = url.pathname;
    const m = /^\/api\/jobs\/([^/]+)(\/stop|\/logs)?$/.exec(path);
    const r = (out: { status: number; text: string }) => send(out.status, out.text);
    if (req.method === "GET" && path === "/api/version") return r({ status: 200, text: JSON.stringify({ version: "4", ray_version: this.opts.rayVersion, ray_commit: "fake", session_name: "session_fake" }) });
    if (req.method === "GET" && path === "/api/gcs_healthz") return send(200, "success", false);
    if (path === "/api/jobs/" && req.method === "POST") {
      let body: unknown;
      try { body = JSON.parse(Buffer.concat(chunks).toString() || "null"); } catch { return send(400, "Traceback (most recent call last):\njson.decoder.JSONDecodeError: Expecting value", false); }
      if (!body || typeof body !== "object" || Array.isArray(body)) return send(400, "TypeError: JobSubmitRequest() argument after ** must be a mapping", false);
      // Keys whose value is null are stripped before the dataclass is built.
      const clean = Object.fromEntries(Object.entries(body as Record<string, unknown>).filter(([, v]) => v !== null));
      return r(this.submit(clean));
    }
    if (path === "/api/jobs/" && req.method === "GET") {
      // Submission jobs first, then the drivers someone started with a plain ray.init().
      const driver = { type: "DRIVER", job_id: "01000000", submission_id: null, driver_info: { id: "01000000", node_ip_address: "10.0.0.1", pid: "4242" }, status: "RUNNING", entrypoint: "", message: null, error_type: null, start_time: 1_700_000_000_000, end_time: null, metadata: {}, runtime_env: {} };
      return r({ status: 200, text: JSON.stringify([...[...this.jobs.values()].map((j) => this.details(j)), driver]) });
    }
    if (!m) return send(404, "404: Not Found", false);
    const id = decodeURIComponent(m[1]);
    const job = this.jobs.get(id);
    if (req.method === "POST" && m[2] === "/stop") return r(this.stop(id));
    if (!job) return send(404, `Job ${id} does not exist`, false);
    if (req.method === "GET" && m[2] === "/logs") {
      if (this.failLogs) return send(500, "Traceback (most recent call last):\nRuntimeError: Request failed with status code 500: Failed to connect to the agent on node 10.0.0.7.", false);
      return r({ status: 200, text: JSON.stringify({ logs: job.logs }) });
    }
    if (req.method === "GET" && !m[2]) return r({ status: 200, text: JSON.stringify(this.details(job)) });
    if (req.method === "DELETE" && !m[2]) {
      if (!["STOPPED", "SUCCEEDED", "FAILED"].includes(job.status)) return send(500, `RuntimeError: Attempted to delete job '${id}', but it is in a non-terminal state ${job.status}.`, false);
      this.jobs.delete(id);
      return r({ status: 200, text: JSON.stringify({ deleted: true }) });
    }
    return send(405, "405: Method Not Allowed", false);
  }
}
