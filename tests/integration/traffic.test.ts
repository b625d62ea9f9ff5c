import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/server/db/client";
import { serviceFeedback, serviceStats } from "@/server/db/schema";
import { flushGatewayStats } from "@/server/inference/gateway-state";
import { serviceController } from "@/server/inference/service-controller";
import type { Controller } from "@/server/runner/controller";
import { runOnce } from "@/server/runner/runner";
import { FakeVllm } from "../fakes/fake-vllm";
import { startAppHttp } from "../helpers/app-http";
import { apiKeyFor, createOrgWithAdmin } from "../helpers/fixtures";
import { testRunnerOptions } from "../helpers/runner";

/**
 * Traffic through the gateway over real HTTP: weights over 10,000 requests, sticky assignment by
 * a header and by a body field, shadows that get copies and never answer, feedback by request id.
 */

let app: Awaited<ReturnType<typeof startAppHttp>>;
const fakes: FakeVllm[] = [];
const fake = async (opts: ConstructorParameters<typeof FakeVllm>[0] = {}) => { const f = await new FakeVllm({ ttftMs: 0, tokenMs: 0, ...opts }).listen(); fakes.push(f); return f; };
beforeAll(async () => { app = await startAppHttp(); });
afterAll(async () => { await app?.close(); for (const f of fakes) await f.close(); });

async function setup(name: string, variants: Array<{ name: string; weight: number; shadowPercent?: number; servedModel?: string; endpoints: string[] }>) {
  const t = await createOrgWithAdmin();
  const admin = await apiKeyFor(t, "admin");
  const user = await apiKeyFor(t, "user");
  const api = (path: string, init: { method?: string; body?: unknown; key?: string } = {}) => fetch(`${app.url}/api/v1/inference/services${path}`, {
    method: init.method ?? (init.body ? "POST" : "GET"), headers: { authorization: `Bearer ${init.key ?? admin}`, "content-type": "application/json" }, body: init.body ? JSON.stringify(init.body) : undefined,
  });
  const res = await api("", { body: { name, variants: variants.map((v) => ({ servedModel: "fake-model", ...v })) } });
  expect(res.status).toBe(201);
  const service = (await res.json()) as { id: string };
  await runOnce(await getDb(), testRunnerOptions(), [serviceController as unknown as Controller]);
  const call = (body: Record<string, unknown> = {}, headers: Record<string, string> = {}) => fetch(`${app.url}/api/v1/services/${name}/v1/chat/completions`, {
    method: "POST", headers: { authorization: `Bearer ${user}`, "content-type": "application/json", ...headers }, body: JSON.stringify({ messages: [{ role: "user", content: "hi" }], max_tokens: 1, ...body }),
  });
  return { api, call, service, user };
}

/** Sends `n` requests, `concurrency` at a time; returns each answer's variant header and body. */
async function many(n: number, concurrency: number, send: (i: number) => Promise<Response>) {
  const out: Array<{ variant: string | null; status: number; body: { model?: string } }> = new Array(n);
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    for (let i = next++; i < n; i = next++) {
      const res = await send(i);
      out[i] = { variant: res.headers.get("x-anvil-variant"), status: res.status, body: (await res.json()) as { model?: string } };
    }
  }));
  return out;
}

describe("traffic", () => {
  it("respects an 80/20 split over 10,000 requests", async () => {
    const a = await fake(); const b = await fake();
    const { call } = await setup("split", [{ name: "stable", weight: 80, endpoints: [a.url] }, { name: "candidate", weight: 20, endpoints: [b.url] }]);
    const answers = await many(10_000, 64, () => call());
    expect(answers.filter((x) => x.status !== 200)).toEqual([]);
    const candidate = answers.filter((x) => x.variant === "candidate").length;
    // Binomial(10,000, 0.2): sd 40; 5 sd either side fails once in about 1.7 million runs.
    expect(Math.abs(candidate - 2000)).toBeLessThan(200);
    expect(b.served).toBe(candidate);
  }, 120_000);

  it("keeps a user on one variant by a header or a body field; the split of users follows the weights", async () => {
    const a = await fake(); const b = await fake();
    const { api, call, service } = await setup("sticky", [{ name: "stable", weight: 70, endpoints: [a.url] }, { name: "candidate", weight: 30, endpoints: [b.url] }]);
    expect((await api(`/${service.id}`, { method: "PATCH", body: { sticky: { from: "header", name: "x-user-id" } } })).status).toBe(200);
    const users = Array.from({ length: 400 }, (_, i) => `user-${i}`);
    const seen = new Map<string, Set<string>>();
    const answers = await many(users.length * 4, 32, (i) => call({}, { "x-user-id": users[i % users.length] }));
    answers.forEach((x, i) => { const u = users[i % users.length]; seen.set(u, (seen.get(u) ?? new Set()).add(x.variant!)); });
    expect([...seen.values()].every((s) => s.size === 1)).toBe(true);
    const onCandidate = [...seen.values()].filter((s) => s.has("candidate")).length;
    // Binomial(400, 0.3): sd 9.2; 5 sd.
    expect(Math.abs(onCandidate - 120)).toBeLessThan(46);

    // Growing the candidate's share only moves users over to it.
    expect((await api(`/${service.id}`, { method: "PATCH", body: { weights: { stable: 50, candidate: 50 } } })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1100)); // the gateway's one-second cache
    const after = await many(users.length, 32, (i) => call({}, { "x-user-id": users[i] }));
    after.forEach((x, i) => { if (seen.get(users[i])!.has("candidate")) expect(x.variant).toBe("candidate"); });

    // By the OpenAI `user` field instead.
    expect((await api(`/${service.id}`, { method: "PATCH", body: { sticky: { from: "field", name: "user" } } })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1100));
    const byField = await many(40, 8, (i) => call({ user: `u${i % 4}` }));
    for (let u = 0; u < 4; u++) expect(new Set(byField.filter((_, i) => i % 4 === u).map((x) => x.variant)).size).toBe(1);
    expect((await api(`/${service.id}`, { method: "PATCH", body: { sticky: { from: "cookie", name: "x" } } })).status).toBe(400);
  }, 60_000);

  it("sends shadows copies whose answers never reach the caller, failing or not, and keeps their metrics", async () => {
    const live = await fake(); const shadow = await fake({ model: "shadow-model" }); const failing = await fake({ model: "shadow-model", failStatus: 500, failNext: 1_000_000 });
    const { api, call, service } = await setup("mirror", [
      { name: "live", weight: 100, endpoints: [live.url] },
      { name: "shadow", weight: 0, shadowPercent: 100, servedModel: "shadow-model", endpoints: [shadow.url] },
      { name: "broken", weight: 0, shadowPercent: 50, servedModel: "shadow-model", endpoints: [failing.url] },
    ]);
    const answers = await many(200, 16, () => call());
    expect(answers.filter((x) => x.status !== 200 || x.variant !== "live" || x.body.model !== "fake-model")).toEqual([]);
    await new Promise((r) => setTimeout(r, 300)); // the copies finish after their callers' answers
    expect(live.served).toBe(200);
    expect(shadow.served).toBe(200);
    await flushGatewayStats(await getDb());
    const stats = await (await getDb()).select({ variant: serviceStats.variant, requests: sql<number>`sum(${serviceStats.requests})::int`, errors: sql<number>`sum(${serviceStats.errors})::int` })
      .from(serviceStats).where(eq(serviceStats.serviceId, service.id)).groupBy(serviceStats.variant);
    const by = Object.fromEntries(stats.map((s) => [s.variant, s]));
    expect(by.live).toMatchObject({ requests: 200, errors: 0 });
    expect(by.shadow).toMatchObject({ requests: 200, errors: 0 });
    // Copies to half the requests, all failing, none retried, until its replica cools down as any would.
    expect(by.broken.requests).toBeGreaterThanOrEqual(4);
    expect(by.broken.errors).toBe(by.broken.requests);
    // A shadow cannot also take live traffic.
    expect((await api(`/${service.id}/variants/shadow`, { method: "PATCH", body: { weight: 10 } })).status).toBe(400);
  }, 60_000);

  it("records feedback by the request id, for the variant that answered", async () => {
    const a = await fake();
    const { api, call, service, user } = await setup("feedback", [{ name: "only", weight: 100, endpoints: [a.url] }]);
    const res = await call();
    const requestId = res.headers.get("x-anvil-request-id")!;
    expect(requestId).toMatch(/^only\.[0-9a-f]{16}\.[0-9a-f]{16}$/);
    const sent = await api(`/${service.id}/feedback`, { body: { requestId, thumb: "up" }, key: user });
    expect(sent.status).toBe(201);
    expect(await sent.json()).toEqual({ requestId, variant: "only", kind: "thumb", value: 1 });
    // Again on the same answer: replaced, not added.
    expect((await api(`/${service.id}/feedback`, { body: { requestId, score: 0.25 }, key: user })).status).toBe(201);
    const rows = await (await getDb()).select().from(serviceFeedback).where(and(eq(serviceFeedback.serviceId, service.id)));
    expect(rows.map((r) => [r.kind, r.value])).toEqual([["score", 0.25]]);
    // An id the gateway did not give (made up, or another variant's name on a real one) is refused.
    const [, nonce, mac] = requestId.split(".");
    for (const forged of [`only.${"0".repeat(16)}.${mac}`, `other.${nonce}.${mac}`]) {
      const res = await api(`/${service.id}/feedback`, { body: { requestId: forged, thumb: "up" }, key: user });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { message: string } }).error.message).toContain("did not give that request id");
    }
    for (const bad of [{ requestId: "nope", thumb: "up" }, { requestId, thumb: "up", score: 1 }, { requestId }, { requestId, thumb: "sideways" }]) {
      expect((await api(`/${service.id}/feedback`, { body: bad, key: user })).status).toBe(400);
    }
  });
});
