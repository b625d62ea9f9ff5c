import type { AddressInfo } from "node:net";
import { readFileSync } from "node:fs";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { train } from "./lm.mjs";
import { createTinyLmServer } from "./serve.mjs";

/** The tiny model's server against the official `openai` client, streaming and not, and its contract details. */

const model = train(readFileSync(new URL("./data/poems.txt", import.meta.url), "utf8"), { order: 5 });
let server: ReturnType<typeof createTinyLmServer>;
let base = "";
beforeAll(async () => {
  server = createTinyLmServer(model, { name: "tiny-lm", maxNumSeqs: 2, tokenDelayMs: 2 });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((r) => { server.closeAllConnections(); server.close(r); }));

const client = () => new OpenAI({ baseURL: `${base}/v1`, apiKey: "unused", maxRetries: 0 });

describe("the tiny model's OpenAI-compatible server", () => {
  it("answers /v1/models, completions and chat with usage, through the openai client", async () => {
    const openai = client();
    expect((await openai.models.list()).data.map((m) => m.id)).toEqual(["tiny-lm"]);
    const done = await openai.completions.create({ model: "tiny-lm", prompt: "Shall I compare", max_tokens: 12, seed: 3 });
    expect(done.choices[0].text).toHaveLength(12);
    expect(done.choices[0].finish_reason).toBe("length");
    expect(done.usage).toEqual({ prompt_tokens: 15, completion_tokens: 12, total_tokens: 27 });
    const chat = await openai.chat.completions.create({ model: "tiny-lm", messages: [{ role: "user", content: "Tyger Tyger, burning bright," }], max_tokens: 50, temperature: 0, stop: [" the"] });
    expect(chat.choices[0].message).toMatchObject({ role: "assistant" });
    expect(chat.choices[0].finish_reason).toBe("stop");
    expect(chat.choices[0].message.content).toBe("In"); // greedy: "In the …", cut at the stop string
  });

  it("streams chat as SSE: role first, content deltas, finish_reason, the usage chunk, [DONE]", async () => {
    const stream = await client().chat.completions.create({ model: "tiny-lm", messages: [{ role: "user", content: "When" }], max_tokens: 20, stream: true, stream_options: { include_usage: true }, seed: 1 });
    const chunks = [];
    for await (const c of stream) chunks.push(c);
    expect(chunks[0].choices[0].delta).toEqual({ role: "assistant", content: "" });
    const text = chunks.flatMap((c) => c.choices.map((ch) => ch.delta.content ?? "")).join("");
    expect(text).toHaveLength(20);
    expect(chunks.at(-2)!.choices[0].finish_reason).toBe("length");
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: 5, completion_tokens: 20, total_tokens: 25 } });
    const raw = await (await fetch(`${base}/v1/completions`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ prompt: "So", max_tokens: 3, stream: true }) })).text();
    expect(raw.endsWith("data: [DONE]\n\n")).toBe(true);
    expect(raw.split("\n\n").filter(Boolean).every((e) => e.startsWith("data: "))).toBe(true);
  });

  it("refuses bad input in vLLM's envelope, and counts what it served in /metrics", async () => {
    const post = (body: unknown, path = "/v1/chat/completions") => fetch(`${base}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    const wrong = await post({ model: "gpt-4", messages: [{ role: "user", content: "hi" }] });
    expect(wrong.status).toBe(404);
    expect(await wrong.json()).toEqual({ error: { message: "The model `gpt-4` does not exist.", type: "NotFoundError", param: null, code: 404 } });
    expect((await post({ messages: [] })).status).toBe(400);
    expect(((await (await post({ prompt: "x", stream_options: { include_usage: true } }, "/v1/completions")).json()) as { error: { message: string } }).error.message).toBe("Stream options can only be defined when `stream=True`.");
    expect((await post({ prompt: "x", max_tokens: -1 }, "/v1/completions")).status).toBe(400);
    await expect(client().chat.completions.create({ model: "nope", messages: [{ role: "user", content: "x" }] })).rejects.toMatchObject({ status: 404 });
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/^vllm:num_requests_waiting\{engine="0",model_name="tiny-lm"\} 0$/m);
    expect(metrics).toMatch(/^vllm:generation_tokens_total\{engine="0",model_name="tiny-lm"\} \d+$/m);
    expect(metrics).toMatch(/^vllm:time_to_first_token_seconds_count\{engine="0",model_name="tiny-lm"\} [1-9]\d*$/m);
    expect((await fetch(`${base}/health`)).status).toBe(200);
  });

  it("queues past max-num-seqs (vllm:num_requests_waiting) and stops generating when the client goes away", async () => {
    const abort = new AbortController();
    const long = (signal?: AbortSignal) => fetch(`${base}/v1/completions`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ prompt: "A", max_tokens: 400, stream: true }), signal });
    const started = [long(abort.signal), long(), long()];
    await new Promise((r) => setTimeout(r, 100));
    const during = await (await fetch(`${base}/metrics`)).text();
    expect(during).toMatch(/^vllm:num_requests_running\{[^}]*\} 2$/m);
    expect(during).toMatch(/^vllm:num_requests_waiting\{[^}]*\} 1$/m);
    abort.abort();
    await Promise.allSettled(started.map(async (p) => (await p).text()));
    const after = await (await fetch(`${base}/metrics`)).text();
    expect(after).toMatch(/finished_reason="abort"\} 1$/m);
  });
});
