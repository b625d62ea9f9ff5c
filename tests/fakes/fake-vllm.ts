import http from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A vLLM OpenAI-compatible server for tests, following ray-vllm-contracts.md §3: /health,
 * /v1/models, /v1/completions and /v1/chat/completions (SSE: role chunk, content chunks,
 * finish chunk, a usage chunk with `choices: []` when asked, `data: [DONE]`), both error
 * envelopes, /metrics with vLLM's names. Injectable: time to first token and per token, errors,
 * a stream cut mid-way, a bounded number running (the rest wait), and a prefix cache (a prompt
 * whose first 64 characters were seen starts 4× faster).
 */
export interface FakeVllmOptions {
  model?: string;
  ttftMs?: number;
  tokenMs?: number;
  tokens?: number;
  maxRunning?: number;
  /** Answer this status (with vLLM's envelope) to the next `failNext` generation requests. */
  failStatus?: number;
  failNext?: number;
  /** The old flat envelope ({"object": "error", …}) instead of {"error": {…}}. */
  oldEnvelope?: boolean;
  /** Close the connection after this many tokens of a stream. */
  cutAfter?: number;
  apiKey?: string;
  /** The address to listen on (a fake pod listens on its own loopback address). */
  host?: string;
}

export class FakeVllm {
  url = "";
  served = 0;
  aborted = 0;
  running = 0;
  waiting = 0;
  private queue: Array<() => void> = [];
  private prefixes = new Set<string>();
  private server?: http.Server;
  constructor(public opts: FakeVllmOptions = {}) {}

  get model() { return this.opts.model ?? "fake-model"; }

  async listen(): Promise<this> {
    this.server = http.createServer((req, res) => void this.handle(req, res).catch(() => res.destroy()));
    const host = this.opts.host ?? "127.0.0.1";
    await new Promise<void>((r) => this.server!.listen(0, host, r));
    this.url = `http://${host}:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  close(): Promise<void> {
    this.server?.closeAllConnections();
    return new Promise((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  private error(res: http.ServerResponse, status: number, message: string) {
    const type = status === 404 ? "NotFoundError" : status >= 500 ? "InternalServerError" : "BadRequestError";
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(this.opts.oldEnvelope ? { object: "error", message, type, param: null, code: status } : { error: { message, type, param: null, code: status } }));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const path = req.url ?? "/";
    if (path === "/health") return void res.writeHead(200).end();
    if (path === "/metrics") {
      const l = `engine="0",model_name="${this.model}"`;
      res.writeHead(200, { "content-type": "text/plain; version=0.0.4; charset=utf-8" });
      return void res.end(`vllm:num_requests_running{${l}} ${this.running}\nvllm:num_requests_waiting{${l}} ${this.waiting}\nvllm:kv_cache_usage_perc{${l}} ${Math.min(1, this.running / 8)}\n`);
    }
    if (path.startsWith("/v1/") && this.opts.apiKey && req.headers.authorization !== `Bearer ${this.opts.apiKey}`) {
      res.writeHead(401, { "content-type": "application/json" });
      return void res.end(JSON.stringify({ error: "Unauthorized" }));
    }
    if (req.method === "GET" && path === "/v1/models") {
      res.writeHead(200, { "content-type": "application/json" });
      return void res.end(JSON.stringify({ object: "list", data: [{ id: this.model, object: "model", created: 1, owned_by: "vllm", root: this.model, parent: null, max_model_len: 4096 }] }));
    }
    const chat = path === "/v1/chat/completions";
    if (req.method !== "POST" || (!chat && path !== "/v1/completions")) return this.error(res, 404, `Not Found: ${path}`);
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}");
    if (body.model !== this.model) return this.error(res, 404, `The model \`${body.model}\` does not exist.`);
    if ((this.opts.failNext ?? 0) > 0) {
      this.opts.failNext!--;
      return this.error(res, this.opts.failStatus ?? 500, "injected failure");
    }
    const prompt = chat ? body.messages.map((m: { content: string }) => m.content).join("\n") : String(body.prompt);
    let gone = false;
    res.on("close", () => { if (!res.writableFinished) gone = true; });
    if (this.running >= (this.opts.maxRunning ?? 64)) {
      this.waiting++;
      await new Promise<void>((r) => this.queue.push(r));
      this.waiting--;
    }
    this.running++;
    try {
      const key = prompt.slice(0, 64);
      const hit = prompt.length >= 64 && this.prefixes.has(key);
      if (prompt.length >= 64) this.prefixes.add(key);
      await sleep((this.opts.ttftMs ?? 5) / (hit ? 4 : 1));
      const n = Math.min(body.max_tokens ?? body.max_completion_tokens ?? 16, this.opts.tokens ?? 8);
      const id = `${chat ? "chatcmpl" : "cmpl"}-fake`;
      const usage = { prompt_tokens: prompt.length, completion_tokens: n, total_tokens: prompt.length + n };
      if (body.stream) {
        res.writeHead(200, { "content-type": "text/event-stream" });
        const send = (o: unknown) => res.write(`data: ${JSON.stringify(o)}\n\n`);
        const chunk = (choice: unknown) => ({ id, object: chat ? "chat.completion.chunk" : "text_completion", created: 1, model: this.model, choices: [choice] });
        if (chat) send(chunk({ index: 0, delta: { role: "assistant", content: "" }, logprobs: null, finish_reason: null }));
        for (let i = 0; i < n; i++) {
          if (gone) { this.aborted++; return; }
          if (this.opts.cutAfter !== undefined && i === this.opts.cutAfter) return void res.destroy();
          send(chunk(chat ? { index: 0, delta: { content: `t${i} ` }, logprobs: null, finish_reason: null } : { index: 0, text: `t${i} `, logprobs: null, finish_reason: null }));
          await sleep(this.opts.tokenMs ?? 1);
        }
        send(chunk(chat ? { index: 0, delta: {}, logprobs: null, finish_reason: "length", stop_reason: null } : { index: 0, text: "", logprobs: null, finish_reason: "length", stop_reason: null }));
        if (body.stream_options?.include_usage) send({ id, object: chat ? "chat.completion.chunk" : "text_completion", created: 1, model: this.model, choices: [], usage });
        res.end("data: [DONE]\n\n");
      } else {
        await sleep((this.opts.tokenMs ?? 1) * n);
        const text = Array.from({ length: n }, (_, i) => `t${i} `).join("");
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ id, object: chat ? "chat.completion" : "text_completion", created: 1, model: this.model, choices: [chat ? { index: 0, message: { role: "assistant", content: text }, finish_reason: "length" } : { index: 0, text, finish_reason: "length" }], usage }));
      }
      this.served++;
    } finally {
      this.running--;
      this.queue.shift()?.();
    }
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
