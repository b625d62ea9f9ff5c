import { httpCall, parseJsonReply, snippet, type HttpReply } from "../http-call";
import { RemoteCallError } from "../types";

/**
 * A pipeline phase run by an external HTTP service, with the seed's asynchronous contract:
 * `POST /api/v1/{optimize|train|evaluate}` starts it and answers its id (`taskId`, `jobId` or
 * `id`); `GET /api/v1/{kind}/{id}` answers `{"status": "running" | "completed" | "failed",
 * "result": {…}, "error": "…", "progress": 0.4}`. Calls time out; connection failures, 429 and
 * 5xx are retried with backoff; a start carries an `Idempotency-Key` (task, iteration, phase) so
 * a retried start is the same job to a service that honours it.
 */
export type PhaseKind = "optimize" | "train" | "evaluate";

export type PhaseState =
  | { state: "running"; progress?: number }
  | { state: "completed"; result: Record<string, unknown> }
  | { state: "failed"; error: string };

export interface PhaseServiceOptions {
  baseUrl: string;
  token?: string;
  timeoutMs?: number;
  /** Further tries after a connection failure, a timeout, 429 or 5xx (default 3). */
  retries?: number;
  backoffMs?: number;
}

const RUNNING = new Set(["running", "pending", "queued", "submitted", "in_progress"]);
const DONE = new Set(["completed", "succeeded", "success", "done"]);
const FAILED = new Set(["failed", "error", "cancelled", "canceled"]);

export function createPhaseClient(opts: PhaseServiceOptions) {
  const base = opts.baseUrl.replace(/\/+$/, "");
  const system = "the phase service";
  const headers = (extra: Record<string, string> = {}) => ({
    accept: "application/json", ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}), ...extra,
  });

  /** One call, retried while the failure is the kind that passes (the service may be restarting). */
  async function call(url: string, init: RequestInit, signal: AbortSignal) {
    const retries = opts.retries ?? 3;
    const wait = (attempt: number) => pause((opts.backoffMs ?? 500) * 2 ** attempt, signal);
    for (let attempt = 0; ; attempt++) {
      let reply: HttpReply;
      try {
        reply = await httpCall(system, url, { ...init, signal, timeoutMs: opts.timeoutMs ?? 15_000 });
      } catch (err) {
        const passing = err instanceof RemoteCallError && (err.kind === "unreachable" || err.kind === "timeout");
        if (passing && attempt < retries && !signal.aborted) { await wait(attempt); continue; }
        throw err;
      }
      if (reply.status === 429 || reply.status >= 500) {
        if (attempt < retries) { await wait(attempt); continue; }
        throw new RemoteCallError("unreachable", `${system} answered ${reply.status} ${retries + 1} times: ${snippet(reply.text)}`);
      }
      if (reply.status === 401 || reply.status === 403) throw new RemoteCallError("auth", `${system} refused the credentials (${reply.status}): ${snippet(reply.text)}`);
      if (reply.status >= 400) throw new RemoteCallError("rejected", `${system} refused the request (${reply.status}): ${snippet(reply.text)}`);
      return parseJsonReply<Record<string, unknown>>(system, url, reply);
    }
  }

  return {
    async start(kind: PhaseKind, body: Record<string, unknown>, idempotencyKey: string, signal: AbortSignal): Promise<string> {
      const url = `${base}/api/v1/${kind}`;
      const answer = await call(url, { method: "POST", headers: headers({ "content-type": "application/json", "idempotency-key": idempotencyKey }), body: JSON.stringify(body) }, signal);
      const id = answer.taskId ?? answer.jobId ?? answer.id;
      if (typeof id !== "string" && typeof id !== "number") throw new RemoteCallError("protocol", `${system} started the ${kind} phase but named no taskId, jobId or id`);
      return String(id);
    },

    async status(kind: PhaseKind, id: string, signal: AbortSignal): Promise<PhaseState> {
      const answer = await call(`${base}/api/v1/${kind}/${encodeURIComponent(id)}`, { method: "GET", headers: headers() }, signal);
      const status = String(answer.status ?? "").toLowerCase();
      if (RUNNING.has(status)) return { state: "running", ...(typeof answer.progress === "number" ? { progress: answer.progress } : {}) };
      if (DONE.has(status)) {
        const result = answer.result;
        if (result === null || typeof result !== "object" || Array.isArray(result)) throw new RemoteCallError("protocol", `${system} says the ${kind} phase completed but sent no result object`);
        return { state: "completed", result: result as Record<string, unknown> };
      }
      if (FAILED.has(status)) return { state: "failed", error: typeof answer.error === "string" ? answer.error.slice(0, 500) : `the ${kind} phase ${status}` };
      throw new RemoteCallError("protocol", `${system} answered an unknown status "${snippet(status, 40)}" for the ${kind} phase (running, completed or failed)`);
    },
  };
}
export type PhaseClient = ReturnType<typeof createPhaseClient>;

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => { clearTimeout(timer); reject(signal.reason instanceof Error ? signal.reason : new Error("aborted")); }, { once: true });
  });
}
