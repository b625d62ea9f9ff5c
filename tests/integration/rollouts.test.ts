import http from "node:http";
import type { AddressInfo } from "node:net";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/server/db/client";
import { inferenceServices, serviceAlerts, serviceRollouts } from "@/server/db/schema";
import { flushGatewayStats } from "@/server/inference/gateway-state";
import { serviceController } from "@/server/inference/service-controller";
import type { Controller } from "@/server/runner/controller";
import { runOnce } from "@/server/runner/runner";
import { rolloutController } from "@/server/traffic/rollout-controller";
import { FakeVllm } from "../fakes/fake-vllm";
import { startAppHttp } from "../helpers/app-http";
import { apiKeyFor, createOrgWithAdmin } from "../helpers/fixtures";
import { testRunnerOptions } from "../helpers/runner";

/**
 * Rollouts over real HTTP in front of fake vLLM replicas: a healthy canary walks its steps to
 * 100 % and is promoted; a candidate that fails is rolled back at its first analysis, with the
 * reason, an alert and the webhook called; people's actions (pause, resume, roll back) in between.
 */

let app: Awaited<ReturnType<typeof startAppHttp>>;
const fakes: FakeVllm[] = [];
const fake = async (opts: ConstructorParameters<typeof FakeVllm>[0] = {}) => { const f = await new FakeVllm({ ttftMs: 1, tokenMs: 0, ...opts }).listen(); fakes.push(f); return f; };
const hooks: unknown[] = [];
let hookServer: http.Server;
let hookUrl = "";
beforeAll(async () => {
  app = await startAppHttp();
  hookServer = http.createServer((req, res) => { let b = ""; req.on("data", (c) => (b += c)); req.on("end", () => { hooks.push(JSON.parse(b)); res.writeHead(204).end(); }); });
  await new Promise<void>((r) => hookServer.listen(0, "127.0.0.1", r));
  hookUrl = `http://127.0.0.1:${(hookServer.address() as AddressInfo).port}/hook`;
});
afterAll(async () => { await app?.close(); hookServer?.close(); for (const f of fakes) await f.close(); });

const controllers = [serviceController, rolloutController] as unknown as Controller[];

async function setup(name: string) {
  const t = await createOrgWithAdmin();
  const admin = await apiKeyFor(t, "admin");
  const user = await apiKeyFor(t, "user");
  const stable = await fake();
  const api = (path: string, init: { method?: string; body?: unknown } = {}) => fetch(`${app.url}/api/v1/inference/services${path}`, {
    method: init.method ?? (init.body ? "POST" : "GET"), headers: { authorization: `Bearer ${admin}`, "content-type": "application/json" }, body: init.body ? JSON.stringify(init.body) : undefined,
  });
  const res = await api("", { body: { name, servedModel: "fake-model", endpoints: [stable.url] } });
  expect(res.status).toBe(201);
  const service = (await res.json()) as { id: string };
  await runOnce(await getDb(), testRunnerOptions(), [serviceController as unknown as Controller]);
  const call = () => fetch(`${app.url}/api/v1/services/${name}/v1/chat/completions`, { method: "POST", headers: { authorization: `Bearer ${user}`, "content-type": "application/json" }, body: JSON.stringify({ messages: [{ role: "user", content: "hi" }], max_tokens: 2 }) });
  return { t, api, call, service, stable };
}

/** Traffic and runner passes until the rollout ends (or `until` holds). */
async function drive(serviceId: string, rolloutId: string, call: () => Promise<Response>, until = (r: typeof serviceRollouts.$inferSelect) => r.status === "PROMOTED" || r.status === "ROLLED_BACK", timeoutMs = 60_000) {
  const db = await getDb();
  const opts = testRunnerOptions();
  const deadline = Date.now() + timeoutMs;
  const statuses: number[] = [];
  for (;;) {
    const answers = await Promise.all(Array.from({ length: 20 }, () => call()));
    for (const a of answers) { statuses.push(a.status); await a.arrayBuffer(); }
    await flushGatewayStats(db);
    await db.update(inferenceServices).set({ nextCheckAt: new Date(0) }).where(eq(inferenceServices.id, serviceId));
    await runOnce(db, opts, controllers);
    const [r] = await db.select().from(serviceRollouts).where(eq(serviceRollouts.id, rolloutId));
    if (until(r)) return { rollout: r, statuses };
    if (Date.now() > deadline) throw new Error(`rollout stayed ${r.status} at step ${r.stepIndex}: ${r.statusMessage}`);
    await new Promise((res) => setTimeout(res, 100));
  }
}

describe("rollouts", () => {
  it("walks a healthy canary through its steps to 100 % and promotes it", async () => {
    const { api, call, service } = await setup("canary-ok");
    const candidate = await fake();
    const started = await api(`/${service.id}/rollouts`, { body: { strategy: "canary", candidate: { name: "v2", servedModel: "fake-model", endpoints: [candidate.url] }, steps: [10, 50, 100], intervalSeconds: 1, minRequests: 5, slo: { maxErrorRate: 0.1 } } });
    expect(started.status).toBe(201);
    const rollout = (await started.json()) as { id: string; status: string; steps: unknown[] };
    expect(rollout).toMatchObject({ status: "PROGRESSING", steps: [{ weight: 10 }, { weight: 50 }, { weight: 100 }] });
    // One rollout at a time.
    expect((await api(`/${service.id}/rollouts`, { body: { candidate: "v2" } })).status).toBe(409);

    const { rollout: done, statuses } = await drive(service.id, rollout.id, call);
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    expect(done.status).toBe("PROMOTED");
    const detail = (await (await api(`/${service.id}/rollouts/${rollout.id}`)).json()) as { events: Array<{ kind: string; weight: number | null; message: string }> };
    expect(detail.events.map((e) => e.kind)).toEqual(["start", "step", "analysis", "step", "analysis", "step", "analysis", "promote"]);
    expect(detail.events.filter((e) => e.kind === "step").map((e) => e.weight)).toEqual([10, 50, 100]);
    expect(detail.events.find((e) => e.kind === "analysis")!.message).toMatch(/^SLO held over \d+ requests/);
    const variants = ((await (await api(`/${service.id}`)).json()) as { variants: Array<{ name: string; weight: number }> }).variants;
    expect(variants.map((v) => [v.name, v.weight])).toEqual([["v2", 100]]);
    const before = candidate.served;
    await call();
    expect(candidate.served).toBe(before + 1);
  });

  it("rolls a failing candidate back at its first analysis, with the reason, an alert and the webhook", async () => {
    const { api, call, service, stable } = await setup("canary-bad");
    expect((await api(`/${service.id}`, { method: "PATCH", body: { alertWebhook: hookUrl, slo: { maxErrorRate: 0.05 } } })).status).toBe(200);
    const broken = await fake({ failStatus: 500, failNext: 1_000_000 });
    const started = await api(`/${service.id}/rollouts`, { body: { candidate: { name: "v2", servedModel: "fake-model", endpoints: [broken.url] }, steps: [10, 100], intervalSeconds: 2, minRequests: 10 } });
    const rollout = (await started.json()) as { id: string; slo: unknown };
    expect(rollout.slo).toEqual({ maxErrorRate: 0.05 }); // the service's SLO
    const { rollout: done, statuses } = await drive(service.id, rollout.id, call);
    // Callers never saw the failures: the stable variant answered the retries.
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    expect(done).toMatchObject({ status: "ROLLED_BACK", stepIndex: 0 });
    expect(done.statusMessage).toMatch(/^SLO breached: error rate \d+ % > 5\.0 % .* at 10 %$/);
    // Within one analysis interval of the step's start.
    expect(done.finishedAt!.getTime() - done.stepStartedAt!.getTime()).toBeLessThan(2000 + 1500);
    const detail = (await (await api(`/${service.id}/rollouts/${rollout.id}`)).json()) as { events: Array<{ kind: string }> };
    expect(detail.events.map((e) => e.kind)).toEqual(["start", "step", "analysis", "rollback"]);
    const variants = ((await (await api(`/${service.id}`)).json()) as { variants: Array<{ name: string; weight: number }> }).variants;
    expect(variants.map((v) => [v.name, v.weight])).toEqual([["primary", 100]]);
    const db = await getDb();
    const alerts = await db.select().from(serviceAlerts).where(eq(serviceAlerts.serviceId, service.id));
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ kind: "rollback", delivery: "204" });
    expect(hooks).toContainEqual(expect.objectContaining({ service: "canary-bad", kind: "rollback", message: expect.stringContaining("SLO breached") }));
    const served = stable.served;
    await call();
    expect(stable.served).toBe(served + 1);
  });

  it("takes people's actions: pause holds the step, resume goes on, roll back ends it; bad input is a 4xx", async () => {
    const { api, call, service } = await setup("canary-hand");
    const candidate = await fake();
    expect((await api(`/${service.id}/rollouts`, { body: { candidate: "nope" } })).status).toBe(400);
    expect((await api(`/${service.id}/rollouts`, { body: { candidate: { name: "v2", servedModel: "fake-model", endpoints: [candidate.url] }, steps: [50, 10] } })).status).toBe(400);
    expect((await api(`/${service.id}/rollouts`, { body: { strategy: "blue-green", candidate: "v2", steps: [50, 100] } })).status).toBe(400);
    const started = await api(`/${service.id}/rollouts`, { body: { candidate: { name: "v2", servedModel: "fake-model", endpoints: [candidate.url] }, steps: [20, 100], intervalSeconds: 60 } });
    const { id } = (await started.json()) as { id: string };
    await drive(service.id, id, call, (r) => r.stepIndex === 0);
    expect((await api(`/${service.id}/rollouts/${id}/jump`, { method: "POST" })).status).toBe(400);
    const paused = await api(`/${service.id}/rollouts/${id}/pause`, { method: "POST" });
    expect(((await paused.json()) as { status: string }).status).toBe("PAUSED");
    expect((await api(`/${service.id}/rollouts/${id}/pause`, { method: "POST" })).status).toBe(409);
    expect(((await (await api(`/${service.id}/rollouts/${id}/resume`, { method: "POST" })).json()) as { status: string }).status).toBe("PROGRESSING");
    const back = (await (await api(`/${service.id}/rollouts/${id}/rollback`, { method: "POST" })).json()) as { status: string; statusMessage: string; events: Array<{ kind: string }> };
    expect(back).toMatchObject({ status: "ROLLED_BACK", statusMessage: expect.stringMatching(/^Rolled back by /) });
    expect(back.events.map((e) => e.kind)).toEqual(["start", "step", "pause", "resume", "rollback"]);
    expect((await api(`/${service.id}/rollouts/${id}/promote`, { method: "POST" })).status).toBe(409);
  });

  it("switches blue-green at once after the candidate is ready, analyses once, then removes the baseline; immediate skips the analysis", async () => {
    const { api, call, service } = await setup("blue-green");
    const green = await fake();
    const started = await api(`/${service.id}/rollouts`, { body: { strategy: "blue-green", candidate: { name: "green", servedModel: "fake-model", endpoints: [green.url] }, intervalSeconds: 1, minRequests: 5 } });
    const { id, steps } = (await started.json()) as { id: string; steps: unknown[] };
    expect(steps).toEqual([{ weight: 100 }]);
    const { rollout } = await drive(service.id, id, call);
    expect(rollout.status).toBe("PROMOTED");
    const events = ((await (await api(`/${service.id}/rollouts/${id}`)).json()) as { events: Array<{ kind: string; weight: number | null }> }).events;
    expect(events.map((e) => [e.kind, e.weight])).toEqual([["start", 0], ["step", 100], ["analysis", 100], ["promote", 100]]);

    const next = await fake();
    const quick = await api(`/${service.id}/rollouts`, { body: { strategy: "immediate", candidate: { name: "next", servedModel: "fake-model", endpoints: [next.url] } } });
    const q = (await quick.json()) as { id: string };
    const done = await drive(service.id, q.id, call);
    expect(done.rollout).toMatchObject({ status: "PROMOTED", statusMessage: "Switched next to 100 % at once" });
    const variants = ((await (await api(`/${service.id}`)).json()) as { variants: Array<{ name: string }> }).variants;
    expect(variants.map((v) => v.name)).toEqual(["next"]);
    // Rolling hands replicas over: not for endpoints Anvil does not run.
    expect((await api(`/${service.id}/rollouts`, { body: { strategy: "rolling", candidate: { name: "r", servedModel: "fake-model", endpoints: [green.url] } } })).status).toBe(400);
  });
});
