import { httpCall, parseJsonReply, snippet, type HttpReply } from "../http-call";
import { RemoteCallError } from "../types";

/** The Ray Jobs REST API of one dashboard (reference/ray-vllm-contracts.md §1). */
export interface RayConnection {
  /** Dashboard address; no scheme means http://, trailing slashes are dropped (as Ray's SDK). */
  address: string;
  token?: string;
  /** Send the token as X-Ray-Authorization (for proxies that consume Authorization). */
  proxyAuthHeader?: boolean;
  timeoutMs?: number;
}

export type RayJobStatus = "PENDING" | "RUNNING" | "STOPPED" | "SUCCEEDED" | "FAILED";

export interface RayJobDetails {
  type: "SUBMISSION" | "DRIVER";
  job_id: string | null;
  submission_id: string | null;
  status: RayJobStatus;
  entrypoint: string;
  message?: string | null;
  error_type?: string | null;
  /** Unix milliseconds. */
  start_time?: number | null;
  end_time?: number | null;
  metadata?: Record<string, string> | null;
  driver_exit_code?: number | null;
}

export interface RaySubmitRequest {
  entrypoint: string;
  submission_id: string;
  runtime_env?: Record<string, unknown>;
  metadata?: Record<string, string>;
  entrypoint_num_cpus?: number;
  entrypoint_num_gpus?: number;
  entrypoint_memory?: number;
  entrypoint_resources?: Record<string, number>;
}

export interface RayVersion { version: string; rayVersion: string }

const DUPLICATE = "Please use a different submission_id";
const STATUSES = new Set(["PENDING", "RUNNING", "STOPPED", "SUCCEEDED", "FAILED"]);

export function normalizeRayAddress(address: string): string {
  const withScheme = /^[a-z]+:\/\//i.test(address) ? address : `http://${address}`;
  return withScheme.replace(/\/+$/, "");
}

/** "2.52.0" ≥ "2.8"? An unparseable part counts as 0: send only what every Ray takes. */
export function rayAtLeast(version: string, min: string): boolean {
  const a = version.split(".").map((n) => Number.parseInt(n, 10));
  const b = min.split(".").map((n) => Number.parseInt(n, 10));
  for (let i = 0; i < b.length; i++) {
    const x = Number.isFinite(a[i]) ? a[i] : 0;
    if (x !== b[i]) return x > b[i];
  }
  return true;
}

export class RayClient {
  private readonly base: string;
  constructor(private readonly conn: RayConnection) {
    this.base = normalizeRayAddress(conn.address);
  }

  async version(signal: AbortSignal): Promise<RayVersion> {
    const reply = await this.call("GET", "/api/version", signal);
    if (reply.status === 404) throw new RemoteCallError("protocol", `${this.base} has no Ray Jobs API (GET /api/version answered 404); is this a Ray dashboard on port 8265?`, 404);
    this.expectOk(reply, "GET /api/version");
    const body = this.json<{ version?: unknown; ray_version?: unknown }>(reply);
    if (typeof body.ray_version !== "string") throw new RemoteCallError("protocol", `${this.base}/api/version did not name a ray_version`);
    return { version: String(body.version ?? ""), rayVersion: body.ray_version };
  }

  /** "submitted", or "exists" when a job with this submission id is already there (absorbed). */
  async submit(req: RaySubmitRequest, signal: AbortSignal): Promise<"submitted" | "exists"> {
    const reply = await this.call("POST", "/api/jobs/", signal, req);
    // The head wraps the agent's 400 into a 500; older submitters saw 400. The text decides.
    if ((reply.status === 400 || reply.status === 500) && reply.text.includes(DUPLICATE)) return "exists";
    this.expectOk(reply, "submit");
    this.json(reply);
    return "submitted";
  }

  /** The job, or null when Ray does not know it (never submitted, or forgotten by a restarted head). */
  async get(id: string, signal: AbortSignal): Promise<RayJobDetails | null> {
    const reply = await this.call("GET", `/api/jobs/${encodeURIComponent(id)}`, signal);
    if (reply.status === 404) return null;
    this.expectOk(reply, "get job");
    const job = this.json<RayJobDetails>(reply);
    if (!job || typeof job !== "object" || !STATUSES.has(job.status)) throw new RemoteCallError("protocol", `Ray answered a job without a known status: ${snippet(reply.text)}`);
    return job;
  }

  async list(signal: AbortSignal): Promise<RayJobDetails[]> {
    const reply = await this.call("GET", "/api/jobs/", signal);
    this.expectOk(reply, "list jobs");
    const jobs = this.json<RayJobDetails[]>(reply);
    if (!Array.isArray(jobs)) throw new RemoteCallError("protocol", "Ray's job list is not an array (Ray older than 2.0?)");
    return jobs;
  }

  /** The job's whole log ("" before its driver starts); null when Ray does not know the job. */
  async logs(id: string, signal: AbortSignal): Promise<string | null> {
    const reply = await this.call("GET", `/api/jobs/${encodeURIComponent(id)}/logs`, signal);
    if (reply.status === 404) return null;
    this.expectOk(reply, "get logs");
    const body = this.json<{ logs?: unknown }>(reply);
    return typeof body.logs === "string" ? body.logs : "";
  }

  /** Asynchronous on Ray's side; false = nothing to stop (already finished). Null when unknown. */
  async stop(id: string, signal: AbortSignal): Promise<boolean | null> {
    const reply = await this.call("POST", `/api/jobs/${encodeURIComponent(id)}/stop`, signal);
    if (reply.status === 404) return null;
    this.expectOk(reply, "stop job");
    return this.json<{ stopped?: boolean }>(reply).stopped === true;
  }

  /** Only finished jobs can be deleted; false when Ray no longer knows the job. */
  async delete(id: string, signal: AbortSignal): Promise<boolean> {
    const reply = await this.call("DELETE", `/api/jobs/${encodeURIComponent(id)}`, signal);
    if (reply.status === 404) return false;
    this.expectOk(reply, "delete job");
    return this.json<{ deleted?: boolean }>(reply).deleted === true;
  }

  private call(method: string, path: string, signal: AbortSignal, body?: unknown): Promise<HttpReply> {
    const headers: Record<string, string> = { accept: "application/json" };
    if (this.conn.token) headers[this.conn.proxyAuthHeader ? "x-ray-authorization" : "authorization"] = `Bearer ${this.conn.token}`;
    if (body !== undefined) headers["content-type"] = "application/json";
    return httpCall("Ray", `${this.base}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal, timeoutMs: this.conn.timeoutMs });
  }

  private expectOk(reply: HttpReply, what: string): void {
    if (reply.status >= 200 && reply.status < 300) return;
    if (reply.status === 401) throw new RemoteCallError("auth", `Ray asks for a token (401: ${snippet(reply.text)}); set the cluster's auth token`, 401);
    if (reply.status === 403) throw new RemoteCallError("auth", `Ray refused the cluster's token (403: ${snippet(reply.text)})`, 403);
    if (reply.status === 400) throw new RemoteCallError("rejected", `Ray rejected the ${what} request (400: ${snippet(reply.text)})`, 400);
    throw new RemoteCallError(reply.status >= 500 ? "unreachable" : "protocol", `Ray failed to ${what} (${reply.status}: ${snippet(reply.text)})`, reply.status);
  }

  private json<T>(reply: HttpReply): T {
    return parseJsonReply<T>("Ray", this.base, reply);
  }
}
