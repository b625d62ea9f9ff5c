import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/server/db/client";
import { serviceRequests } from "@/server/db/schema";
import { flushGatewayStats } from "@/server/inference/gateway-state";
import { serviceController } from "@/server/inference/service-controller";
import type { Controller } from "@/server/runner/controller";
import { runOnce } from "@/server/runner/runner";
import { watchServices } from "@/server/traffic/monitor";
import { FakeVllm } from "../fakes/fake-vllm";
import { startAppHttp } from "../helpers/app-http";
import { apiKeyFor, createOrgWithAdmin } from "../helpers/fixtures";
import { testRunnerOptions } from "../helpers/runner";

/**
 * The A/B test over real traffic and feedback, through to promotion by itself at the horizon;
 * SLO and drift alerts raised by the runner's watch; the reports over REST.
 */

let app: Awaited<ReturnType<typeof startAppHttp>>;
const fakes: FakeVllm[] = [];
const fake = async (opts: ConstructorParameters<typeof FakeVllm>[0] = {}) => { const f = await new FakeVllm({ tokenMs: 0, ...opts }).listen(); fakes.push(f); return f; };
beforeAll(async () => { app = await startAppHttp(); });
afterAll(async () => { await app?.close(); for (const f of fakes) await f.close(); });

async function setup(name: string, variants: Array<{ name: string; weight: number; endpoints: string[] }>) {
  const t = await createOrgWithAdmin();
  const admin = await apiKeyFor(t, "admin");
  const user = await apiKeyFor(t, "user");
  const api = (path: string, init: { method?: string; body?: unknown; key?: string } = {}) => fetch(`${app.url}/api/v1/inference/services${path}`, {
    method: init.method ?? (init.body !== undefined ? "POST" : "GET"), headers: { authorization: `Bearer ${init.key ?? admin}`, "content-type": "application/json" }, body: init.body !== undefined ? JSON.stringify(init.body) : undefined,
  });
  const res = await api("", { body: { name, variants: variants.map((v) => ({ servedModel: "fake-model", ...v })) } });
  expect(res.status).toBe(201);
  const service = (await res.json()) as { id: string };
  await runOnce(await getDb(), testRunnerOptions(), [serviceController as unknown as Controller]);
  const call = (headers: Record<string, string> = {}) => fetch(`${app.url}/api/v1/services/${name}/v1/chat/completions`, {
    method: "POST", headers: { authorization: `Bearer ${user}`, "content-type": "application/json", ...headers }, body: JSON.stringify({ messages: [{ role: "user", content: "hi" }], max_tokens: 2 }),
  });
  return { api, call, service, user };
}

describe("the A/B test", () => {
  it("withholds the verdict until the horizon, then promotes the variant users like better by itself", async () => {
    const a = await fake({ ttftMs: 1 }); const b = await fake({ ttftMs: 25 });
    const { api, call, service, user } = await setup("ab", [{ name: "a", weight: 50, endpoints: [a.url] }, { name: "b", weight: 50, endpoints: [b.url] }]);
    const exp = await api(`/${service.id}/experiment`, { method: "PUT", body: { metric: "thumbs", minimumEffect: 0.5, autoPromote: true } });
    expect(exp.status).toBe(200);
    expect((await api(`/${service.id}/experiment`, { method: "PUT", body: { metric: "clicks" } })).status).toBe(400);

    // Users like b's answers 9 times in 10 and a's 1 in 2.
    let count = { a: 0, b: 0 };
    const rate = async (n: number) => {
      for (let i = 0; i < n; i++) {
        const res = await call();
        const v = res.headers.get("x-anvil-variant") as "a" | "b";
        await res.arrayBuffer();
        const k = count[v]++;
        const up = v === "b" ? k % 10 !== 0 : k % 2 === 0;
        expect((await api(`/${service.id}/feedback`, { body: { requestId: res.headers.get("x-anvil-request-id"), thumb: up ? "up" : "down" }, key: user })).status).toBe(201);
      }
    };
    await rate(30);
    await flushGatewayStats(await getDb());
    type Analysis = { baseline: string; comparisons: Array<{ variant: string; verdict: string; primary: { status: string; required: number }; metrics: Array<{ metric: string; status: string; better: string | null }> }> };
    const early = (await (await api(`/${service.id}/analysis`)).json()) as Analysis;
    expect(early.baseline).toBe("a");
    expect(early.comparisons[0].primary.status).toBe("collecting");
    await watchServices(await getDb());
    expect(((await (await api(`/${service.id}`)).json()) as { variants: Array<{ weight: number }> }).variants.map((v) => v.weight)).toEqual([50, 50]);

    await rate(170);
    await flushGatewayStats(await getDb());
    const late = (await (await api(`/${service.id}/analysis`)).json()) as Analysis;
    const c = late.comparisons[0];
    expect(c.primary).toMatchObject({ status: "significant" });
    expect(c.verdict).toMatch(/^b is better on thumbs-up rate \(p = /);
    // b is slower too: the latency comparison says so (at its own horizon).
    expect(c.metrics.find((m) => m.metric === "latency")).toMatchObject({ status: "significant", better: "baseline" });

    await watchServices(await getDb());
    const after = (await (await api(`/${service.id}`)).json()) as { variants: Array<{ name: string; weight: number }> };
    expect(after.variants.map((v) => [v.name, v.weight])).toEqual([["a", 0], ["b", 100]]);
    const settled = (await (await api(`/${service.id}/analysis`)).json()) as { experiment: { outcome: { variant: string; by: string; reason: string } } };
    expect(settled.experiment.outcome).toMatchObject({ variant: "b", by: "A/B test", reason: expect.stringContaining("Promoted automatically at the horizon") });

    // Promoting by hand: a back.
    expect((await api(`/${service.id}/promote`, { body: { variant: "a" } })).status).toBe(200);
    expect((await api(`/${service.id}/promote`, { body: { variant: "zz" } })).status).toBe(400);
  }, 60_000);
});

describe("alerts", () => {
  it("raises an SLO alert for a failing variant and a drift alert for a shifted one, once each", async () => {
    const good = await fake(); const bad = await fake({ failStatus: 500, failNext: 1_000_000 });
    const { api, call, service } = await setup("watched", [{ name: "good", weight: 100, endpoints: [good.url] }, { name: "bad", weight: 0, endpoints: [bad.url] }]);
    for (let i = 0; i < 30; i++) await (await call({ "x-anvil-variant": "bad" })).arrayBuffer();
    const db = await getDb();
    await flushGatewayStats(db);
    // The good variant's request log: yesterday's prompts of about 20 tokens, today's of about 60.
    const t = (await (await api(`/${service.id}`)).json()) as { id: string };
    const orgId = (await db.select({ orgId: serviceRequests.orgId }).from(serviceRequests).where(eq(serviceRequests.serviceId, t.id)).limit(1))[0].orgId;
    const row = (hoursAgo: number, tokens: number) => ({ orgId, serviceId: t.id, variant: "good", at: new Date(Date.now() - hoursAgo * 3600_000), path: "/v1/chat/completions", status: 200, stream: "no" as const, latencyMs: 10, promptTokens: tokens, completionTokens: 5 });
    await db.insert(serviceRequests).values([...Array.from({ length: 100 }, (_, i) => row(20, 15 + (i % 10))), ...Array.from({ length: 100 }, (_, i) => row(0.1, 55 + (i % 10)))]);

    await watchServices(db);
    await watchServices(db); // again: no duplicates within the quarter hour
    const alerts = ((await (await api(`/${service.id}/alerts`)).json()) as { alerts: Array<{ kind: string; message: string; acknowledgedAt: string | null }> }).alerts;
    expect(alerts.map((x) => x.kind).sort()).toEqual(["drift", "slo"]);
    expect(alerts.find((x) => x.kind === "slo")!.message).toMatch(/^bad: SLO breached: error rate 100 % > 5\.0 %/);
    expect(alerts.find((x) => x.kind === "drift")!.message).toBe("good: prompt tokens drifted from its first sampled requests");
    const drift = (await (await api(`/${service.id}/drift`)).json()) as { variants: Array<{ variant: string; features: Array<{ feature: string; drifted: boolean; psi: number | null }> }> };
    const prompt = drift.variants.find((v) => v.variant === "good")!.features.find((f) => f.feature === "promptTokens")!;
    expect(prompt.drifted).toBe(true);
    expect(drift.variants.find((v) => v.variant === "good")!.features.find((f) => f.feature === "completionTokens")!.drifted).toBe(false);
    expect(((await (await api(`/${service.id}/alerts/acknowledge`, { method: "POST" })).json()) as { acknowledged: number }).acknowledged).toBe(2);
  }, 60_000);
});
