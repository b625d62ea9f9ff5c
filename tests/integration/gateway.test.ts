import { eq } from "drizzle-orm";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/server/db/client";
import { inferenceServices, serviceRequests, serviceStats } from "@/server/db/schema";
import { flushGatewayStats } from "@/server/inference/gateway-state";
import { serviceController } from "@/server/inference/service-controller";
import type { Controller } from "@/server/runner/controller";
import { runOnce } from "@/server/runner/runner";
import { FakeVllm } from "../fakes/fake-vllm";
import { startAppHttp } from "../helpers/app-http";
import { apiKeyFor, createOrgWithAdmin } from "../helpers/fixtures";
import { testRunnerOptions } from "../helpers/runner";

/**
 * The gateway over real HTTP with the official openai client, in front of fake vLLM replicas:
 * streaming and not, failover before the first byte and none after, cooldown, disconnects,
 * OpenAI-shaped refusals, and the stats it keeps.
 */

let app: Awaited<ReturnType<typeof startAppHttp>>;
beforeAll(async () => { app = await startAppHttp(); });
afterAll(() => app?.close());

async function checkHealth(serviceId: string) {
  const db = await getDb();
  await db.update(inferenceServices).set({ nextCheckAt: new Date(0) }).where(eq(inferenceServices.id, serviceId));
  await runOnce(db, testRunnerOptions(), [serviceController as unknown as Controller]);
  return (await db.select().from(inferenceServices).where(eq(inferenceServices.id, serviceId)))[0];
}

async function setup(replicas: FakeVllm[], name = "chat") {
  const t = await createOrgWithAdmin();
  const admin = await apiKeyFor(t, "admin");
  const res = await fetch(`${app.url}/api/v1/inference/services`, { method: "POST", headers: { authorization: `Bearer ${admin}`, "content-type": "application/json" }, body: JSON.stringify({ name, servedModel: "fake-model", endpoints: replicas.map((r) => r.url) }) });
  expect(res.status).toBe(201);
  const service = (await res.json()) as { id: string; status: string };
  expect(service.status).toBe("DEPLOYING");
  expect((await checkHealth(service.id)).status).toBe("READY");
  const user = await apiKeyFor(t, "user");
  return { t, service, openai: new OpenAI({ baseURL: `${app.url}/api/v1/services/${name}/v1`, apiKey: user, maxRetries: 0 }), user };
}

const fakes: FakeVllm[] = [];
const fake = async (opts: ConstructorParameters<typeof FakeVllm>[0] = {}) => { const f = await new FakeVllm(opts).listen(); fakes.push(f); return f; };
afterAll(async () => { for (const f of fakes) await f.close(); });

describe("the OpenAI-compatible gateway", () => {
  it("answers the openai client, streaming and not, with usage; refusals are OpenAI-shaped", async () => {
    const { openai, t, service } = await setup([await fake(), await fake()]);
    expect((await openai.models.list()).data.map((m) => m.id)).toEqual(["fake-model"]);
    const chat = await openai.chat.completions.create({ model: "chat", messages: [{ role: "user", content: "hi" }], max_tokens: 4 });
    expect(chat.choices[0].message.content).toBe("t0 t1 t2 t3 ");
    expect(chat.usage).toMatchObject({ prompt_tokens: 2, completion_tokens: 4 });
    const stream = await openai.chat.completions.create({ model: "fake-model", messages: [{ role: "user", content: "hi" }], max_tokens: 3, stream: true, stream_options: { include_usage: true } });
    const chunks = [];
    for await (const c of stream) chunks.push(c);
    expect(chunks.map((c) => c.choices[0]?.delta?.content ?? "").join("")).toBe("t0 t1 t2 ");
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { completion_tokens: 3 } });
    const text = await openai.completions.create({ model: "chat", prompt: "x", max_tokens: 2 });
    expect(text.choices[0].text).toBe("t0 t1 ");

    await expect(openai.chat.completions.create({ model: "gpt-4", messages: [{ role: "user", content: "x" }] })).rejects.toMatchObject({ status: 404 });
    const other = new OpenAI({ baseURL: `${app.url}/api/v1/services/nope/v1`, apiKey: await apiKeyFor(t, "user"), maxRetries: 0 });
    await expect(other.models.list()).rejects.toMatchObject({ status: 404 });
    const bad = await fetch(`${app.url}/api/v1/services/chat/v1/chat/completions`, { method: "POST", headers: { authorization: `Bearer ${await apiKeyFor(t, "user")}`, "content-type": "application/json" }, body: "{nope" });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { type: string } }).error.type).toBe("BadRequestError");
    const viewer = new OpenAI({ baseURL: `${app.url}/api/v1/services/chat/v1`, apiKey: await apiKeyFor(t, "viewer"), maxRetries: 0 });
    await expect(viewer.models.list()).rejects.toMatchObject({ status: 403 });
    const outsider = new OpenAI({ baseURL: `${app.url}/api/v1/services/chat/v1`, apiKey: await apiKeyFor(await createOrgWithAdmin(), "admin"), maxRetries: 0 });
    await expect(outsider.models.list()).rejects.toMatchObject({ status: 404 });

    await flushGatewayStats(await getDb());
    const [stats] = await (await getDb()).select().from(serviceStats).where(eq(serviceStats.serviceId, service.id));
    expect(stats.requests).toBeGreaterThanOrEqual(4);
    expect(stats.completionTokens).toBeGreaterThanOrEqual(4 + 3 + 2);
    expect(stats.ttft.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(4);
    const log = await (await getDb()).select().from(serviceRequests).where(eq(serviceRequests.serviceId, service.id));
    expect(log.some((r) => r.stream === "yes" && r.completionTokens === 3)).toBe(true);
  });

  it("retries on another replica before the first byte, never after; cools down a failing replica", async () => {
    const a = await fake({ failNext: 1, failStatus: 503 });
    const b = await fake();
    const { openai, service } = await setup([a, b], "failover");
    const first = await openai.chat.completions.create({ messages: [{ role: "user", content: "x" }], max_tokens: 2, model: "failover" });
    expect(first.choices[0].message.content).toBe("t0 t1 ");
    expect(b.served).toBe(1);

    // A stream that breaks mid-way: an error event and [DONE], no second replica.
    const c = await fake({ cutAfter: 2, tokens: 8 });
    const cut = await setup([c], "cut");
    const raw = await fetch(`${app.url}/api/v1/services/cut/v1/chat/completions`, { method: "POST", headers: { authorization: `Bearer ${cut.user}`, "content-type": "application/json" }, body: JSON.stringify({ messages: [{ role: "user", content: "x" }], stream: true, max_tokens: 8 }) });
    const body = await raw.text();
    expect(raw.status).toBe(200);
    expect(body).toContain('"content":"t1 "');
    expect(body).toMatch(/data: \{"error":\{"message":"the model server's stream broke off".*\n\ndata: \[DONE\]\n\n$/s);

    // Over half of a replica's calls failing in a minute cools it down: the next request skips it.
    a.opts.failNext = 10;
    for (let i = 0; i < 4; i++) await openai.chat.completions.create({ messages: [{ role: "user", content: `q${i}` }], max_tokens: 1, model: "failover" });
    const left = a.opts.failNext;
    await openai.chat.completions.create({ messages: [{ role: "user", content: "after" }], max_tokens: 1, model: "failover" });
    expect(a.opts.failNext).toBe(left);
    expect(b.served).toBe(6);
    await flushGatewayStats(await getDb());
    const log = await (await getDb()).select().from(serviceRequests).where(eq(serviceRequests.serviceId, service.id));
    // The first request, and the three that met the failing replica before it cooled down.
    expect(log.filter((r) => r.attempts === 2)).toHaveLength(4);
  });

  it("stops the upstream when the client goes away; a replica down leaves the service DEGRADED", async () => {
    const slow = await fake({ tokens: 400, tokenMs: 10 });
    const spare = await fake();
    const { service, user } = await setup([slow, spare], "slow");
    const abort = new AbortController();
    const res = await fetch(`${app.url}/api/v1/services/slow/v1/completions`, { method: "POST", signal: abort.signal, headers: { authorization: `Bearer ${user}`, "content-type": "application/json" }, body: JSON.stringify({ prompt: "x", stream: true, max_tokens: 400 }) });
    const reader = res.body!.getReader();
    await reader.read();
    abort.abort();
    await expect.poll(() => slow.aborted, { timeout: 5000 }).toBe(1);

    await spare.close();
    const checked = await checkHealth(service.id);
    expect(checked.status).toBe("DEGRADED");
    expect(checked.statusMessage).toMatch(/^1 of 2 replicas ready/);
  });

  it("splits traffic over variants by weight, honours a pinned variant, and counts each variant apart", async () => {
    const stable = await fake({ model: "lm-v1", ttftMs: 0, tokenMs: 0 });
    const candidate = await fake({ model: "lm-v2", ttftMs: 0, tokenMs: 0 });
    const t = await createOrgWithAdmin();
    const admin = await apiKeyFor(t, "admin");
    const post = (path: string, body: unknown, method = "POST") => fetch(`${app.url}${path}`, { method, headers: { authorization: `Bearer ${admin}`, "content-type": "application/json" }, body: JSON.stringify(body) });
    const created = await post("/api/v1/inference/services", { name: "ab", variants: [
      { name: "stable", weight: 80, servedModel: "lm-v1", endpoints: [stable.url] },
      { name: "candidate", weight: 20, servedModel: "lm-v2", endpoints: [candidate.url] },
    ] });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };
    expect((await checkHealth(id)).status).toBe("READY");
    const user = await apiKeyFor(t, "user");
    const call = (headers: Record<string, string> = {}, model = "ab") => fetch(`${app.url}/api/v1/services/ab/v1/completions`, { method: "POST", headers: { authorization: `Bearer ${user}`, "content-type": "application/json", ...headers }, body: JSON.stringify({ model, prompt: "x", max_tokens: 1 }) });
    const seen = { stable: 0, candidate: 0 };
    for (let i = 0; i < 400; i++) {
      const res = await call();
      expect(res.status).toBe(200);
      seen[res.headers.get("x-anvil-variant") as keyof typeof seen]++;
      await res.text();
    }
    // 400 draws at 20 %: 80 expected, 8 the standard deviation; ±4 of them.
    expect(Math.abs(seen.candidate - 80)).toBeLessThanOrEqual(32);
    expect(candidate.served).toBe(seen.candidate);
    // Pinned: by header, or by naming the model only that variant serves.
    const pinned = await call({ "x-anvil-variant": "candidate" });
    expect([pinned.headers.get("x-anvil-variant"), ((await pinned.json()) as { model: string }).model]).toEqual(["candidate", "lm-v2"]);
    expect((await call({}, "lm-v2")).headers.get("x-anvil-variant")).toBe("candidate");
    expect((await call({ "x-anvil-variant": "nope" })).status).toBe(404);
    // The split moves in one write; a variant with no traffic still answers when the other cannot.
    expect((await post(`/api/v1/inference/services/${id}`, { weights: { stable: 0, candidate: 0 } }, "PATCH")).status).toBe(400);
    expect((await post(`/api/v1/inference/services/${id}`, { weights: { stable: 100, candidate: 0 } }, "PATCH")).status).toBe(200);
    for (let i = 0; i < 20; i++) expect((await call()).headers.get("x-anvil-variant")).toBe("stable");
    expect((await post(`/api/v1/inference/services/${id}`, { replicas: 2 }, "PATCH")).status).toBe(409);
    await flushGatewayStats(await getDb());
    const stats = await (await getDb()).select().from(serviceStats).where(eq(serviceStats.serviceId, id));
    const total = (v: string) => stats.filter((m) => m.variant === v).reduce((a, m) => a + m.requests, 0);
    expect(total("candidate")).toBe(seen.candidate + 2);
    expect(total("stable")).toBe(seen.stable + 20);
    // Removing a variant keeps its history; the last one cannot go.
    expect((await fetch(`${app.url}/api/v1/inference/services/${id}/variants/candidate`, { method: "DELETE", headers: { authorization: `Bearer ${admin}` } })).status).toBe(204);
    expect((await fetch(`${app.url}/api/v1/inference/services/${id}/variants/stable`, { method: "DELETE", headers: { authorization: `Bearer ${admin}` } })).status).toBe(409);
    const view = (await (await fetch(`${app.url}/api/v1/inference/services/${id}`, { headers: { authorization: `Bearer ${admin}` } })).json()) as { variants: Array<{ name: string }>; stats: Array<{ variant: string }> };
    expect(view.variants.map((v) => v.name)).toEqual(["stable"]);
    expect(view.stats.some((m) => m.variant === "candidate")).toBe(true);
  });
});
