import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { objectName } from "@/server/executors/kubernetes/vllm-deployments";
import type { RunnerOptions } from "@/server/runner/runner";
import { FakeKubeApps } from "../fakes/fake-kube-apps";
import { startAppHttp } from "../helpers/app-http";
import { apiKeyFor, callerFor, createOrgWithAdmin, unique } from "../helpers/fixtures";
import { kubeconfig } from "../helpers/kubeconfig";
import { testRunnerOptions } from "../helpers/runner";
import { getDb } from "@/server/db/client";
import { flushGatewayStats } from "@/server/inference/gateway-state";
import { driveServiceUntil } from "../helpers/services";

/**
 * The `kubernetes` backend against a fake API server: each variant becomes a vLLM Deployment,
 * Service and Secret (server-side apply); the pods are the replicas the gateway calls; scaling
 * patches the Deployment; a removed variant's objects and, on delete, the service's are removed.
 */

let app: Awaited<ReturnType<typeof startAppHttp>>;
let opts: RunnerOptions;
const fakes: FakeKubeApps[] = [];
beforeAll(async () => { app = await startAppHttp(); opts = testRunnerOptions({ appUrl: app.url }); });
afterAll(async () => { await Promise.all(fakes.map((f) => f.close())); await app?.close(); });


const driveUntil = (serviceId: string, ok: Parameters<typeof driveServiceUntil>[2], timeoutMs = 20_000) => driveServiceUntil(opts, serviceId, ok, timeoutMs, 100);

describe("the kubernetes backend", () => {
  it("deploys each variant as vLLM in the cluster, serves through its pods, scales, removes", async () => {
    const kube = await new FakeKubeApps({ token: "kube-token", gpus: 1, readyAfterMs: 200 }).listen();
    fakes.push(kube);
    const t = await createOrgWithAdmin();
    const caller = await callerFor(t.adminId);
    const cluster = `gpu-${unique()}`;
    await caller.clusters.register({ org: t.slug, cluster: { kind: "kuberay", name: cluster, kubeconfig: kubeconfig(kube.url), inCluster: false, insecureSkipTlsVerify: false, namespace: "serving", rayImage: "rayproject/ray:2.52.0" } });

    const { id } = await caller.inference.create({ org: t.slug, service: { name: "7b-chat", backend: "kubernetes", cluster, source: "Qwen/Qwen2.5-0.5B-Instruct", replicas: 2, gpus: 1 } as never });
    const ready = await driveUntil(id, (s, r) => s.status === "READY" && r.length === 2 && r.every((x) => x.state === "ready"));
    expect(ready.s.statusMessage).toBe("2 of 2 replicas ready");
    const name = objectName("7b-chat", "primary", id);
    expect(name).toMatch(/^s7b-chat-primary-[0-9a-f]{6}$/);
    const d = kube.store.deployments.get(`serving/${name}`)!;
    const container = (d.spec!.template as { spec: { containers: Array<{ image: string; args: string[]; resources: unknown; env: unknown[] }> } }).spec.containers[0];
    expect(container.image).toBe("vllm/vllm-openai:v0.10.2");
    expect(container.args).toEqual(["--model", "Qwen/Qwen2.5-0.5B-Instruct", "--served-model-name", "7b-chat", "--port", "8000"]);
    expect(container.resources).toEqual({ limits: { "nvidia.com/gpu": "1" } });
    expect(kube.store.services.has(`serving/${name}`) && kube.store.secrets.has(`serving/${name}`)).toBe(true);
    // The pods require the key in the Secret: only Anvil's gateway and probes hold it.
    const pod = kube.serversOf(name)[0];
    expect((await fetch(`${pod.url}/v1/models`)).status).toBe(401);

    const client = new OpenAI({ baseURL: `${app.url}/api/v1/services/7b-chat/v1`, apiKey: await apiKeyFor(t, "user") });
    const answer = await client.chat.completions.create({ model: "7b-chat", messages: [{ role: "user", content: "hi" }] });
    expect(answer.choices[0].message.content).toBeTruthy();
    expect(kube.serversOf(name).reduce((a, s) => a + s.served, 0)).toBe(1);

    // A second variant asking for more GPUs than the node has: its pod stays Pending, and the service says why.
    const applies = kube.applies;
    await caller.inference.addVariant({ org: t.slug, serviceId: id, variant: { name: "big", weight: 0, source: "Qwen/Qwen2.5-7B-Instruct", replicas: 1, gpus: 4 } as never });
    const held = await driveUntil(id, (s) => /Insufficient nvidia\.com\/gpu/.test(s.statusMessage ?? ""));
    expect(held.s.status).toBe("READY");
    expect(held.s.statusMessage).toMatch(/^2 of 2 replicas ready; variant big: pod s7b-chat-big-\w+-\w+ 0\/1 nodes are available: 1 Insufficient nvidia\.com\/gpu\.$/);
    expect(kube.applies).toBe(applies + 3);
    const [big] = [...kube.pods.values()].filter((p) => p.deployment === objectName("7b-chat", "big", id));
    expect((big.obj.status as { conditions: Array<{ message: string }> }).conditions[0].message).toMatch(/Insufficient nvidia\.com\/gpu/);
    // Still serving on the primary's pods; the unchanged primary was not applied again.
    expect((await client.chat.completions.create({ model: "7b-chat", messages: [{ role: "user", content: "again" }] })).choices).toHaveLength(1);

    // Scale down to one; remove the variant: its Deployment goes.
    await caller.inference.updateVariant({ org: t.slug, serviceId: id, variant: "primary", change: { replicas: 1 } });
    await caller.inference.removeVariant({ org: t.slug, serviceId: id, variant: "big" });
    await driveUntil(id, (s, r) => s.status === "READY" && r.length === 1 && !kube.store.deployments.has(`serving/${objectName("7b-chat", "big", id)}`));
    expect(Number(kube.store.deployments.get(`serving/${name}`)!.spec!.replicas)).toBe(1);

    // The cluster cannot go while the service runs there; deleting the service removes its objects, then it can.
    const clusterId = (await caller.clusters.list({ org: t.slug })).find((c) => c.name === cluster)!.id;
    await expect(caller.clusters.delete({ org: t.slug, clusterId })).rejects.toThrow(/"7b-chat" runs on/);
    await caller.inference.delete({ org: t.slug, serviceId: id });
    expect(kube.store.deployments.size + kube.store.services.size + kube.store.secrets.size).toBe(0);
    await caller.clusters.delete({ org: t.slug, clusterId });
  });

  it("hands the replicas over one at a time in a rolling update", async () => {
    const kube = await new FakeKubeApps({ token: "kube-token", readyAfterMs: 50 }).listen();
    fakes.push(kube);
    const t = await createOrgWithAdmin();
    const caller = await callerFor(t.adminId);
    const cluster = `gpu-${unique()}`;
    await caller.clusters.register({ org: t.slug, cluster: { kind: "kuberay", name: cluster, kubeconfig: kubeconfig(kube.url), inCluster: false, insecureSkipTlsVerify: false, namespace: "serving", rayImage: "rayproject/ray:2.52.0" } });
    const { id } = await caller.inference.create({ org: t.slug, service: { name: "rolled", backend: "kubernetes", cluster, source: "org/model-a", replicas: 2, gpus: 0 } as never });
    await driveUntil(id, (s, r) => s.status === "READY" && r.length === 2);
    const { id: rolloutId } = await caller.traffic.startRollout({ org: t.slug, serviceId: id, rollout: { strategy: "rolling", candidate: { name: "b", source: "org/model-b", gpus: 0 }, intervalSeconds: 1, minRequests: 1 } as never });
    const user = await apiKeyFor(t, "user");
    const replicasOf = (variant: string) => Number(kube.store.deployments.get(`serving/${objectName("rolled", variant, id)}`)?.spec?.replicas ?? 0);
    const seen: Array<[number, number]> = [];
    const deadline = Date.now() + 30_000;
    for (;;) {
      await (await fetch(`${app.url}/api/v1/services/rolled/v1/completions`, { method: "POST", headers: { authorization: `Bearer ${user}`, "content-type": "application/json" }, body: JSON.stringify({ prompt: "x", max_tokens: 2 }) })).arrayBuffer();
      await flushGatewayStats(await getDb());
      await driveServiceUntil(opts, id, () => true);
      const pair: [number, number] = [replicasOf("primary"), replicasOf("b")];
      if (seen.at(-1)?.join() !== pair.join()) seen.push(pair);
      const r = await caller.traffic.rollout({ org: t.slug, serviceId: id, rolloutId });
      if (r.status === "PROMOTED") break;
      expect(r.status).toBe("PROGRESSING");
      if (Date.now() > deadline) throw new Error(`rollout stayed at step ${r.stepIndex}: ${r.statusMessage}`);
      await new Promise((res) => setTimeout(res, 100));
    }
    // Deployments (baseline, candidate): 2 + 1 while the candidate starts → 1 + 1 at half the traffic → 0 + 2.
    expect(seen).toContainEqual([1, 1]);
    expect(seen.at(-1)).toEqual([0, 2]);
    const events = (await caller.traffic.rollout({ org: t.slug, serviceId: id, rolloutId })).events.filter((e) => e.kind === "step");
    expect(events.map((e) => e.message)).toEqual(["Step 1 of 2: b at 50 % with 1 of 2 replicas", "Step 2 of 2: b at 100 % with 2 of 2 replicas"]);
    const service = await caller.inference.get({ org: t.slug, serviceId: id });
    expect(service.variants.map((v) => [v.name, v.weight, v.desiredReplicas])).toEqual([["b", 100, 2]]);
    await driveUntil(id, () => !kube.store.deployments.has(`serving/${objectName("rolled", "primary", id)}`));
  });

  it("refuses what the backend cannot run, with the field at fault", async () => {
    const t = await createOrgWithAdmin();
    const caller = await callerFor(t.adminId);
    await expect(caller.inference.create({ org: t.slug, service: { name: "x", backend: "kubernetes", source: "m" } as never })).rejects.toThrow(/Choose the Kubernetes cluster/);
    await expect(caller.inference.create({ org: t.slug, service: { name: "x", backend: "kubernetes", cluster: "nope" } as never })).rejects.toThrow(/what vLLM should load/);
    await expect(caller.inference.create({ org: t.slug, service: { name: "x", backend: "kubernetes", cluster: "nope", source: "m" } as never })).rejects.toThrow(/No cluster named "nope"/);
  });
});
