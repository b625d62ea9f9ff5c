import http from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A small HTTP service with the seed's asynchronous phase contract, for testing the client:
 * POST /api/v1/{optimize|train|evaluate} → {"taskId"} (the same one again for a repeated
 * Idempotency-Key); GET /api/v1/{kind}/{id} → "running" for `runningPolls` polls, then
 * "completed" with `result(kind, body)` (or "failed"). Faults: the first `failFirst` requests
 * answer 503; `hangMs` delays every answer; `token` requires a bearer token.
 */
export interface PhaseServiceFaults { failFirst?: number; hangMs?: number; runningPolls?: number; fail?: boolean; token?: string; status?: string }

export class FakePhaseService {
  readonly starts: Array<{ kind: string; body: unknown; key: string | undefined }> = [];
  private jobs = new Map<string, { kind: string; body: unknown; polls: number }>();
  private byKey = new Map<string, string>();
  private requests = 0;
  private server?: http.Server;
  url = "";

  constructor(public faults: PhaseServiceFaults = {}, private result: (kind: string, body: unknown) => Record<string, unknown> = (kind) => ({ kind })) {}

  async listen(): Promise<this> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((r) => this.server!.listen(0, "127.0.0.1", r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  close(): Promise<void> {
    this.server?.closeAllConnections();
    return new Promise((r) => this.server?.close(() => r()) ?? r());
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    if (this.faults.hangMs) await new Promise((r) => setTimeout(r, this.faults.hangMs));
    if (this.requests++ < (this.faults.failFirst ?? 0)) return send(503, { detail: "warming up" });
    if (this.faults.token && req.headers.authorization !== `Bearer ${this.faults.token}`) return send(401, { detail: "bad token" });
    const m = /^\/api\/v1\/(optimize|train|evaluate)(?:\/([^/]+))?$/.exec(req.url ?? "");
    if (!m) return send(404, { detail: "not found" });
    const [, kind, id] = m;
    if (req.method === "POST" && !id) {
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}");
      const key = req.headers["idempotency-key"] as string | undefined;
      const known = key ? this.byKey.get(key) : undefined;
      if (known) return send(202, { taskId: known });
      const taskId = `${kind}-${this.jobs.size + 1}`;
      this.jobs.set(taskId, { kind, body, polls: 0 });
      if (key) this.byKey.set(key, taskId);
      this.starts.push({ kind, body, key });
      return send(202, { taskId });
    }
    if (req.method === "GET" && id) {
      const job = this.jobs.get(id);
      if (!job || job.kind !== kind) return send(404, { detail: "no such task" });
      if (this.faults.status) return send(200, { status: this.faults.status });
      if (job.polls++ < (this.faults.runningPolls ?? 1)) return send(200, { status: "running", progress: job.polls / ((this.faults.runningPolls ?? 1) + 1) });
      if (this.faults.fail) return send(200, { status: "failed", error: "out of memory" });
      return send(200, { status: "completed", result: this.result(kind, job.body) });
    }
    send(405, { detail: "method not allowed" });
  }
}
