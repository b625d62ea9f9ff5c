// Serves the tiny language model with the OpenAI-compatible API vLLM speaks: GET /health,
// GET /v1/models, POST /v1/completions and /v1/chat/completions (streaming as SSE, usage chunk
// included), vLLM's error envelope, and GET /metrics with vLLM's metric names. A token is a
// character. Plain Node:
//   node examples/tiny-lm/serve.mjs --model model.json [--port 8000] [--name tiny-lm]
//     [--max-num-seqs 4] [--token-delay-ms 0] [--api-key KEY]
// `kill -USR2 <pid>` makes every generation fail with a 500 until the next SIGUSR2: a way to
// see a canary rolled back.
import http from "node:http";
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { generate } from "./lm.mjs";
import { Metrics } from "./metrics.mjs";
import { arg, isMain, serveFromCommandLine } from "../serving/cli.mjs";

class ApiError extends Error {
  constructor(status, message, type = status === 404 ? "NotFoundError" : "BadRequestError", param = null) {
    super(message);
    Object.assign(this, { status, type, param });
  }
}

const number = (v, name, { min, max, integer = false }, fallback) => {
  if (v === undefined || v === null) return fallback;
  if (typeof v !== "number" || !Number.isFinite(v) || (integer && !Number.isInteger(v)) || v < min || v > max) {
    throw new ApiError(400, `${name} must be ${integer ? "an integer" : "a number"} from ${min} to ${max}, got ${JSON.stringify(v)}`, "BadRequestError", name);
  }
  return v;
};

/** The request's sampling, checked as vLLM checks it (400 naming the field). */
function sampling(body, { defaultMax }) {
  const stop = body.stop === undefined || body.stop === null ? [] : Array.isArray(body.stop) ? body.stop : [body.stop];
  if (stop.some((s) => typeof s !== "string") || stop.length > 4) throw new ApiError(400, "stop must be a string or up to 4 strings", "BadRequestError", "stop");
  if (body.n !== undefined && body.n !== 1) throw new ApiError(400, "this server generates one choice per request (n = 1)", "BadRequestError", "n");
  if (body.stream_options !== undefined && body.stream !== true) throw new ApiError(400, "Stream options can only be defined when `stream=True`.", "BadRequestError", "stream_options");
  return {
    maxTokens: number(body.max_completion_tokens ?? body.max_tokens, "max_tokens", { min: 1, max: 4096, integer: true }, defaultMax),
    temperature: number(body.temperature, "temperature", { min: 0, max: 2 }, 1),
    topK: number(body.top_k, "top_k", { min: -1, max: 1000, integer: true }, 0),
    seed: number(body.seed, "seed", { min: 0, max: 2 ** 31 - 1, integer: true }, undefined),
    stop,
    stream: body.stream === true,
    includeUsage: body.stream === true && body.stream_options !== undefined && body.stream_options?.include_usage !== false,
  };
}

/** The prompt a chat becomes: the conversation as lines, then the assistant's turn. */
function chatPrompt(messages) {
  if (!Array.isArray(messages) || messages.length === 0) throw new ApiError(400, "messages must be a non-empty list", "BadRequestError", "messages");
  return messages.map((m, i) => {
    const content = typeof m?.content === "string" ? m.content : Array.isArray(m?.content) ? m.content.map((p) => p?.text ?? "").join("") : null;
    if (content === null || typeof m.role !== "string") throw new ApiError(400, `messages[${i}] needs a role and a text content`, "BadRequestError", "messages");
    return content;
  }).join("\n") + "\n";
}

export function createTinyLmServer(model, { name = "tiny-lm", maxNumSeqs = 4, tokenDelayMs = 0, apiKey } = {}) {
  const metrics = new Metrics(name, maxNumSeqs);
  const created = Math.floor(Date.now() / 1000);
  let running = 0;
  const waiting = [];
  const acquire = async () => {
    if (running < maxNumSeqs) { running++; return; }
    await new Promise((resolve) => waiting.push(resolve));
  };
  const release = () => { const next = waiting.shift(); if (next) next(); else running--; };

  // Fault injection, to try rollbacks: SIGUSR2 toggles answering every generation with a 500.
  let failing = false;
  process.on("SIGUSR2", () => {
    failing = !failing;
    console.log(failing ? "faults on: every generation answers 500 (SIGUSR2 again to stop)" : "faults off");
  });

  async function complete(req, res, body, chat) {
    if (failing) throw new ApiError(500, "injected fault (SIGUSR2)", "InternalServerError");
    if (body.model !== undefined && body.model !== name) throw new ApiError(404, `The model \`${body.model}\` does not exist.`);
    const prompt = chat ? chatPrompt(body.messages) : Array.isArray(body.prompt) && body.prompt.length === 1 ? body.prompt[0] : body.prompt;
    if (typeof prompt !== "string") throw new ApiError(400, "prompt must be a string", "BadRequestError", "prompt");
    const s = sampling(body, { defaultMax: chat ? 128 : 16 });
    const id = `${chat ? "chatcmpl" : "cmpl"}-${req.headers["x-request-id"] ?? randomUUID().replace(/-/g, "")}`;
    const arrived = performance.now();
    let gone = false;
    res.on("close", () => { gone = true; });
    metrics.waiting = waiting.length + 1;
    await acquire();
    metrics.running = running;
    metrics.waiting = waiting.length;
    let text = "";
    let finish = "length";
    let tokens = 0;
    let firstAt = null;
    const send = (obj) => res.write(`data: ${JSON.stringify(obj)}\n\n`);
    const chunk = (choice) => ({ id, object: chat ? "chat.completion.chunk" : "text_completion", created: Math.floor(Date.now() / 1000), model: name, choices: [choice] });
    try {
      if (s.stream) {
        res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
        if (chat) send(chunk({ index: 0, delta: { role: "assistant", content: "" }, logprobs: null, finish_reason: null }));
      }
      for (const c of generate(model, prompt, s)) {
        if (gone) { finish = "abort"; break; }
        if (tokenDelayMs > 0) await sleep(tokenDelayMs);
        firstAt ??= performance.now();
        tokens++;
        text += c;
        const stop = s.stop.find((x) => text.endsWith(x));
        if (stop) { text = text.slice(0, -stop.length); finish = "stop"; break; }
        if (s.stream) send(chunk(chat ? { index: 0, delta: { content: c }, logprobs: null, finish_reason: null } : { index: 0, text: c, logprobs: null, finish_reason: null, stop_reason: null }));
      }
      const usage = { prompt_tokens: prompt.length, completion_tokens: tokens, total_tokens: prompt.length + tokens };
      metrics.finished({ promptTokens: prompt.length, completionTokens: tokens, reason: finish, ttft: ((firstAt ?? performance.now()) - arrived) / 1000, e2e: (performance.now() - arrived) / 1000 });
      if (gone) return;
      if (s.stream) {
        send(chunk(chat ? { index: 0, delta: {}, logprobs: null, finish_reason: finish, stop_reason: null } : { index: 0, text: "", logprobs: null, finish_reason: finish, stop_reason: null }));
        if (s.includeUsage) send({ id, object: chat ? "chat.completion.chunk" : "text_completion", created: Math.floor(Date.now() / 1000), model: name, choices: [], usage });
        res.end("data: [DONE]\n\n");
        return;
      }
      const choice = chat ? { index: 0, message: { role: "assistant", content: text }, logprobs: null, finish_reason: finish, stop_reason: null } : { index: 0, text, logprobs: null, finish_reason: finish, stop_reason: null };
      json(res, 200, { id, object: chat ? "chat.completion" : "text_completion", created: Math.floor(Date.now() / 1000), model: name, choices: [choice], usage });
    } finally {
      release();
      metrics.running = running;
      metrics.waiting = waiting.length;
    }
  }

  return http.createServer(async (req, res) => {
    try {
      const path = new URL(req.url ?? "/", "http://x").pathname;
      // As vLLM's --api-key: only /v1 paths are protected, and a refusal is a bare string.
      if (apiKey && path.startsWith("/v1") && req.headers.authorization !== `Bearer ${apiKey}`) return json(res, 401, { error: "Unauthorized" });
      if (req.method === "GET" && path === "/health") return void res.writeHead(200).end();
      if (req.method === "GET" && path === "/metrics") return void res.writeHead(200, { "content-type": "text/plain; version=0.0.4; charset=utf-8" }).end(metrics.render());
      if (req.method === "GET" && path === "/v1/models") {
        return json(res, 200, { object: "list", data: [{ id: name, object: "model", created, owned_by: "anvil", root: name, parent: null, max_model_len: 4096, permission: [] }] });
      }
      if (req.method === "POST" && (path === "/v1/completions" || path === "/v1/chat/completions")) {
        if (!/^application\/json/i.test(req.headers["content-type"] ?? "")) throw new ApiError(400, "Content-Type must be application/json");
        const body = await readJson(req);
        return await complete(req, res, body, path === "/v1/chat/completions");
      }
      throw new ApiError(404, `No route ${req.method} ${path}`, "NotFoundError");
    } catch (err) {
      const e = err instanceof ApiError ? err : new ApiError(500, err.message, "InternalServerError");
      if (res.headersSent) {
        // Mid-stream, as vLLM does: an error event, then [DONE]; the status stays 200.
        res.end(`data: ${JSON.stringify({ error: { message: e.message, type: e.type, param: e.param, code: e.status } })}\n\ndata: [DONE]\n\n`);
      } else json(res, e.status, { error: { message: e.message, type: e.type, param: e.param, code: e.status } });
    }
  });
}

function json(res, status, body) {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}

async function readJson(req) {
  const chunks = [];
  let size = 0;
  for await (const c of req) {
    size += c.length;
    if (size > 1 << 20) throw new ApiError(413, "request body larger than 1 MiB");
    chunks.push(c);
  }
  try {
    const body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
    if (body && typeof body === "object" && !Array.isArray(body)) return body;
  } catch { /* below */ }
  throw new ApiError(400, "the body must be a JSON object");
}

if (isMain(import.meta.url)) {
  serveFromCommandLine({
    defaultPort: 8000, defaultName: "tiny-lm",
    create: (model, opts) => createTinyLmServer(model, { ...opts, maxNumSeqs: Number(arg("max-num-seqs", 4)), tokenDelayMs: Number(arg("token-delay-ms", 0)) }),
    describe: ({ path, port, model }) => `tiny-lm: serving ${path} on http://127.0.0.1:${port}/v1 (order ${model.order})`,
  });
}
