import { and, asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/server/db/client";
import { serviceScalingEvents, serviceVariants } from "@/server/db/schema";
import type { RunnerOptions } from "@/server/runner/runner";
import { FakeKubeApps } from "../fakes/fake-kube-apps";
import { startAppHttp } from "../helpers/app-http";
import { apiKeyFor, callerFor, createOrgWithAdmin, unique } from "../helpers/fixtures";
import { kubeconfig } from "../helpers/kubeconfig";
import { testRunnerOptions } from "../helpers/runner";
import { driveServiceUntil } from "../helpers/services";

/**
 * Autoscaling on vLLM's signals: a kubernetes service whose pods are fake vLLMs. A load ramp
 * through the gateway raises requests in flight per replica past the target: the Deployment
 * grows. The load stops: the scale-down waits out its stabilisation window, then shrinks it.
 */

let app: Awaited<ReturnType<typeof startAppHttp>>;
let opts: RunnerOptions;
let kube: FakeKubeApps;
beforeAll(async () => {
  app = await startAppHttp();
  opts = testRunnerOptions({ appUrl: app.url });
  // Each answer takes about a second: requests pile up in flight.
  kube = await new FakeKubeApps({ token: "kube-token", readyAfterMs: 100, vllm: { ttftMs: 20, tokenMs: 50, tokens: 20 } }).listen();
});
afterAll(async () => { await kube?.close(); await app?.close(); });


describe("autoscaling", () => {
  it("scales up under a load ramp and down only after the stabilisation window", async () => {
    const t = await createOrgWithAdmin();
    const caller = await callerFor(t.adminId);
    const cluster = `gpu-${unique()}`;
    await caller.clusters.register({ org: t.slug, cluster: { kind: "kuberay", name: cluster, kubeconfig: kubeconfig(kube.url), inCluster: false, insecureSkipTlsVerify: false, namespace: "serving", rayImage: "rayproject/ray:2.52.0" } });
    const { id } = await caller.inference.create({ org: t.slug, service: { name: "scaled", backend: "kubernetes", cluster, source: "Qwen/Qwen2.5-0.5B-Instruct", replicas: 1, gpus: 0 } as never });
    await driveServiceUntil(opts, id, (s, r) => s.status === "READY" && r.length === 1);
    const admin = await apiKeyFor(t, "admin");
    const patch = await fetch(`${app.url}/api/v1/inference/services/${id}`, { method: "PATCH", headers: { authorization: `Bearer ${admin}`, "content-type": "application/json" },
      body: JSON.stringify({ autoscaling: { minReplicas: 1, maxReplicas: 3, metric: "concurrency", target: 4, scaleUpWindowSeconds: 0, scaleDownWindowSeconds: 3 } }) });
    expect(patch.status).toBe(200);

    // The ramp: 12 callers in a loop, each answer about a second long.
    const user = await apiKeyFor(t, "user");
    let loading = true;
    const callers = Array.from({ length: 12 }, async () => {
      while (loading) {
        const res = await fetch(`${app.url}/api/v1/services/scaled/v1/completions`, { method: "POST", headers: { authorization: `Bearer ${user}`, "content-type": "application/json" }, body: JSON.stringify({ prompt: "x", max_tokens: 20 }) });
        await res.arrayBuffer();
      }
    });
    const db = await getDb();
    const variant = async () => (await db.select().from(serviceVariants).where(eq(serviceVariants.serviceId, id)))[0];
    await driveServiceUntil(opts, id, (_s, r) => r.length === 3 && r.every((x) => x.state === "ready"), 30_000, 300);
    expect((await variant()).replicas).toBe(3);
    loading = false;
    await Promise.all(callers);
    const calmAt = Date.now();
    await driveServiceUntil(opts, id, (_s, r) => r.length === 1, 30_000, 300);
    const events = await db.select().from(serviceScalingEvents).where(and(eq(serviceScalingEvents.serviceId, id))).orderBy(asc(serviceScalingEvents.id));
    const applied = events.filter((e) => e.applied);
    expect(applied[0]).toMatchObject({ metric: "concurrency", current: 1, applied: true });
    expect(applied[0].desired).toBeGreaterThan(1);
    expect(applied[0].reason).toMatch(/^concurrency per replica \d+\.\d vs target 4: scaled up 1 → [23]$/);
    const down = applied.find((e) => e.desired < e.current)!;
    expect(down.desired).toBe(1);
    // Held back first, then applied once the window had only low recommendations.
    const held = events.find((e) => !e.applied && e.recommended < e.current)!;
    expect(held.reason).toMatch(/held at 3 until the 3 s scale-down window agrees$/);
    // The window runs from the last high recommendation, one pass (about 0.3 s here) before the first held one.
    expect(down.at.getTime() - held.at.getTime()).toBeGreaterThanOrEqual(2400);
    expect(down.at.getTime()).toBeGreaterThanOrEqual(calmAt);
  }, 90_000);
});
