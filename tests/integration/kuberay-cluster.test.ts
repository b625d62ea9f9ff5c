import { eq } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { getDb } from "@/server/db/client";
import { runLogs } from "@/server/db/schema";
import { createKubeRayExecutor, kubeRayStatus, rayJobName } from "@/server/executors/kuberay/kuberay-executor";
import { callerFor, createOrgWithAdmin, unique } from "../helpers/fixtures";
import { runUntil, testRunnerOptions } from "../helpers/runner";
import { FakeKube } from "../fakes/fake-kube";

/** Jobs as RayJobs through a Kubernetes API server with the KubeRay operator (the fake). */

const fakes: FakeKube[] = [];
afterAll(async () => { await Promise.all(fakes.map((f) => f.close())); });

const kubeconfig = (server: string, token: string, namespace = "ml") => `
apiVersion: v1
kind: Config
current-context: dev
clusters:
  - name: dev-cluster
    cluster:
      server: ${server}
contexts:
  - name: dev
    context: { cluster: dev-cluster, user: ci, namespace: ${namespace} }
users:
  - name: ci
    user:
      token: ${token}
`;

async function setup(mode: "execute" | "simulate" = "simulate", runMs = 200) {
  const kube = await new FakeKube({ token: "kube-token", clusterStartMs: 50, ray: { mode, runMs } }).listen();
  fakes.push(kube);
  const t = await createOrgWithAdmin();
  const caller = await callerFor(t.adminId);
  const name = `k8s-${unique()}`;
  const cluster = await caller.clusters.register({ org: t.slug, cluster: { kind: "kuberay", name, kubeconfig: kubeconfig(kube.url, "kube-token"), inCluster: false, insecureSkipTlsVerify: false, namespace: "default", rayImage: "rayproject/ray:2.52.0" } });
  const submit = (job: Record<string, unknown>) => caller.training.submit({ org: t.slug, job: { name: "job", cluster: name, ...job } as never });
  return { kube, t, caller, cluster, submit };
}

describe("KubeRay executor through the runner", () => {
  const opts = testRunnerOptions({ stopDeadlineSeconds: 5 });

  it("registers from a kubeconfig (namespace from its context) and checks the RayJob API", async () => {
    const { cluster } = await setup();
    expect(cluster).toMatchObject({ kind: "kuberay", namespace: "ml", health: "healthy", rayVersion: "2.52.0", hasCredentials: true });
  });

  it("creates a RayJob with its own Ray cluster, follows it to SUCCEEDED and reads its logs through the service proxy", async () => {
    const { kube, submit } = await setup("execute");
    const job = await submit({ command: 'echo "hi from kuberay $ANVIL_NUM_WORKERS workers"', distributed: { workers: 3, gpusPerWorker: 2, cpusPerWorker: 4, memoryGbPerWorker: 16 }, resources: { cpu: 1, memoryGb: 2, gpuCount: 0, gpuType: "A100" } });
    const run = await runUntil(job.id, ["SUCCEEDED", "FAILED"], opts);
    expect(run.status).toBe("SUCCEEDED");
    const obj = kube.rayJobs.get(`ml/${rayJobName(run.remoteId!)}`)!;
    expect(obj.metadata.annotations!["anvil.dev/remote-id"]).toBe(run.remoteId);
    expect(obj.spec).toMatchObject({ jobId: run.remoteId, shutdownAfterJobFinishes: true, backoffLimit: 0 });
    const workers = (obj.spec.rayClusterSpec as { workerGroupSpecs: Array<{ replicas: number; template: { spec: { containers: Array<{ resources: { limits: Record<string, string> } }>; nodeSelector: Record<string, string> } } }> }).workerGroupSpecs;
    expect(workers[0].replicas).toBe(3);
    expect(workers[0].template.spec.containers[0].resources.limits).toEqual({ cpu: "4", memory: "16384Mi", "nvidia.com/gpu": "2" });
    expect(workers[0].template.spec.nodeSelector).toEqual({ "nvidia.com/gpu.product": "A100" });
    const text = (await (await getDb()).select().from(runLogs).where(eq(runLogs.runId, job.id))).map((l) => l.text).join("");
    expect(text).toContain("hi from kuberay 3 workers");
  });

  it("cancel suspends the RayJob: its Ray job STOPPED and the deployment Complete-or-Suspended, the run CANCELLED", async () => {
    const { kube, t, caller, submit } = await setup("simulate", 60_000);
    const job = await submit({ command: "python train.py" });
    await runUntil(job.id, ["RUNNING"], opts);
    await caller.training.cancel({ org: t.slug, runId: job.id });
    const run = await runUntil(job.id, ["CANCELLED"], opts, 10_000);
    expect(run.statusMessage).toBe("Cancelled");
    expect(kube.ray.jobs.get(run.remoteId!)!.status).toBe("STOPPED");
  });

  it("a RayJob deleted behind Anvil's back is lost, and retried as a new RayJob", async () => {
    const { kube, submit } = await setup("simulate", 60_000);
    const job = await submit({ command: "python train.py", maxRetries: 1 });
    const first = await runUntil(job.id, ["RUNNING"], opts);
    kube.rayJobs.delete(`ml/${rayJobName(first.remoteId!)}`);
    await runUntil(job.id, ["QUEUED", "STARTING"], opts);
    const again = await runUntil(job.id, ["RUNNING"], opts);
    expect(again.remoteId).toBe(`test-${job.id}-2`);
    expect(kube.creates).toBe(2);
  });

  it("a creation that already happened (runner crashed after POST) is absorbed: one RayJob", async () => {
    const { kube } = await setup();
    const exec = createKubeRayExecutor({ server: kube.url, token: "kube-token", namespace: "ml", installId: "test", rayImage: "rayproject/ray:2.52.0" });
    const signal = AbortSignal.timeout(5_000);
    const remoteId = `test-${crypto.randomUUID()}-1`;
    await exec.submit({ command: "true" }, remoteId, { signal });
    await exec.submit({ command: "true" }, remoteId, { signal });
    expect(kube.creates).toBe(1);
    expect(await exec.running!({ signal })).toContain(remoteId);
  });

  it("wrong credentials and a missing CRD say so", async () => {
    const { kube } = await setup();
    const signal = AbortSignal.timeout(5_000);
    const bad = createKubeRayExecutor({ server: kube.url, token: "nope", namespace: "ml", installId: "test", rayImage: "r:1" });
    await expect(bad.probe({ signal })).rejects.toThrow(/refused the cluster's credentials \(401/);
    const noCrd = createKubeRayExecutor({ server: `${kube.url}/not-k8s/`, token: "kube-token", namespace: "ml", installId: "test", rayImage: "r:1" });
    await expect(noCrd.probe({ signal })).rejects.toThrow(/KubeRay operator installed/);
  });
});

describe("KubeRay states and names", () => {
  it("maps deployment and job statuses; a STOPPED Ray job ends Complete and is a stop, not a success", () => {
    expect(kubeRayStatus({ status: { jobDeploymentStatus: "Complete", jobStatus: "SUCCEEDED" } }).state).toBe("SUCCEEDED");
    expect(kubeRayStatus({ status: { jobDeploymentStatus: "Complete", jobStatus: "STOPPED" } }).state).toBe("STOPPED");
    expect(kubeRayStatus({ status: { jobDeploymentStatus: "Failed", jobStatus: "FAILED", reason: "AppFailed", message: "exit 1" } })).toMatchObject({ state: "FAILED", message: "AppFailed: exit 1" });
    expect(kubeRayStatus({ status: { jobDeploymentStatus: "Running", jobStatus: "SUCCEEDED" } }).state).toBe("RUNNING"); // submitter not done yet
    expect(kubeRayStatus({ status: { jobDeploymentStatus: "Initializing" } }).state).toBe("PENDING");
    expect(kubeRayStatus({ status: { jobDeploymentStatus: "ValidationFailed", message: "bad" } })).toMatchObject({ state: "FAILED" });
    expect(kubeRayStatus({}).state).toBe("PENDING");
  });

  it("names are DNS-1035 labels of at most 47 characters, stable per remote id", () => {
    const id = `anvil-${crypto.randomUUID()}-12`;
    const name = rayJobName(id);
    expect(name.length).toBeLessThanOrEqual(47);
    expect(name).toMatch(/^[a-z]([-a-z0-9]*[a-z0-9])?$/);
    expect(rayJobName(id)).toBe(name);
    expect(rayJobName(`${id}x`)).not.toBe(name);
    expect(rayJobName("Prod_Install-0000")).toMatch(/^prod-install-0000-[0-9a-f]{12}$/);
    expect(rayJobName("short-1")).toBe("short-1");
  });
});
