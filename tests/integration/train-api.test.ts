import { afterAll, describe, expect, it } from "vitest";
import * as clusterCheck from "@/app/api/v1/clusters/[id]/check/route";
import * as clusterOne from "@/app/api/v1/clusters/[id]/route";
import * as clustersRoute from "@/app/api/v1/clusters/route";
import * as jobLogs from "@/app/api/v1/train/jobs/[id]/logs/route";
import * as jobMetrics from "@/app/api/v1/train/jobs/[id]/metrics/route";
import * as jobOne from "@/app/api/v1/train/jobs/[id]/route";
import * as jobsRoute from "@/app/api/v1/train/jobs/route";
import * as runMetrics from "@/app/api/v1/runs/[runId]/metrics/route";
import { issueRunToken } from "@/server/tracking/run-tokens";
import { apiKeyFor, createOrgWithAdmin } from "../helpers/fixtures";
import { call, readSse, type RouteHandler } from "../helpers/rest";
import { runUntil, testRunnerOptions } from "../helpers/runner";
import { FakeRay } from "../fakes/fake-ray";

/** The training REST API as docs/api.md shows it with curl: register a cluster, submit, follow, stop, delete. */

const ray = await new FakeRay({ mode: "execute" }).listen();
afterAll(() => ray.close());
const h = (m: unknown) => m as RouteHandler;

describe("REST: /api/v1/clusters and /api/v1/train/jobs", () => {
  it("registers a cluster, runs a job on it by name, streams its logs, reads its metrics, deletes it", async () => {
    const t = await createOrgWithAdmin();
    const key = await apiKeyFor(t, "admin");
    const reg = await call(h(clustersRoute.POST), { method: "POST", token: key, params: {}, body: { kind: "ray", name: "Lab Ray", address: ray.url } });
    expect(reg.status).toBe(201);
    const cluster = await reg.json();
    expect(cluster).toMatchObject({ name: "Lab Ray", health: "healthy", rayVersion: "2.52.0" });
    const dupe = await call(h(clustersRoute.POST), { method: "POST", token: key, params: {}, body: { kind: "ray", name: "lab ray", address: ray.url } });
    expect(dupe.status).toBe(409);

    const submitted = await call(h(jobsRoute.POST), { method: "POST", token: key, params: {}, body: {
      name: "rest-job", project: "Vision", executor: "ray", cluster: "lab ray", entrypoint: "echo rest-job-output; sleep 0.2",
      hyperparameters: { lr: 0.01 }, resources: { cpu: 1, memoryGb: 1 },
    } });
    expect(submitted.status).toBe(201);
    const job = await submitted.json();
    expect(job).toMatchObject({ name: "rest-job", status: "QUEUED", executor: "ray", cluster: { name: "Lab Ray", kind: "ray" }, command: "echo rest-job-output; sleep 0.2", project: { name: "Vision" } });
    expect(job.url).toMatch(new RegExp(`/${t.slug}/training/${job.id}$`));

    const run = await runUntil(job.id, ["SUCCEEDED", "FAILED"], testRunnerOptions());
    expect(run.status).toBe("SUCCEEDED");
    const token = await issueRunToken(t.db, { id: job.id, orgId: t.orgId, attempt: 1 });
    // The job's own credential logs a metric, as a training script would.
    await call(h(runMetrics.POST), { method: "POST", token, params: { runId: job.id }, body: { metrics: [{ key: "loss", value: 0.5, step: 1 }] } });

    const one = await (await call(h(jobOne.GET), { token: key, params: { id: job.id } })).json();
    expect(one).toMatchObject({ status: "SUCCEEDED", remoteId: `test-${job.id}-1`, cluster: { id: cluster.id } });
    const events = await readSse(await call(h(jobLogs.GET), { token: key, params: { id: job.id } }), 5);
    expect(events.filter((e) => e.event === "log").map((e) => JSON.parse(e.data).text).join("")).toContain("rest-job-output");
    expect(events.at(-1)?.event).toBe("end");
    const metrics = await (await call(h(jobMetrics.GET), { token: key, params: { id: job.id } })).json();
    expect(metrics.latest).toEqual(expect.arrayContaining([expect.objectContaining({ key: "loss", value: 0.5 })]));
    expect(metrics.series.length).toBe(1);

    const list = await (await call(h(jobsRoute.GET), { token: key, params: {}, url: "http://x/api/v1/train/jobs?cluster=lab%20ray&status=SUCCEEDED" })).json();
    expect(list.jobs.map((j: { id: string }) => j.id)).toEqual([job.id]);
    const detail = await (await call(h(clusterOne.GET), { token: key, params: { id: cluster.id } })).json();
    expect(detail.jobs.map((j: { id: string }) => j.id)).toEqual([job.id]);
    expect((await call(h(clusterCheck.POST), { method: "POST", token: key, params: { id: cluster.id } })).status).toBe(200);

    expect((await call(h(clusterOne.DELETE), { method: "DELETE", token: key, params: { id: cluster.id } })).status).toBe(204);
    const deleted = await call(h(jobOne.DELETE), { method: "DELETE", token: key, params: { id: job.id } });
    expect(await deleted.json()).toEqual({ id: job.id, outcome: "deleted" });
    const after = await (await call(h(jobsRoute.GET), { token: key, params: {} })).json();
    expect(after.jobs).toEqual([]);
  });

  it("DELETE on a running job stops it (202) and a cluster with running jobs cannot be removed", async () => {
    const t = await createOrgWithAdmin();
    const key = await apiKeyFor(t, "admin");
    const cluster = await (await call(h(clustersRoute.POST), { method: "POST", token: key, params: {}, body: { kind: "ray", name: "busy", address: ray.url } })).json();
    const job = await (await call(h(jobsRoute.POST), { method: "POST", token: key, params: {}, body: { name: "long", cluster: "busy", entrypoint: "sleep 30" } })).json();
    const opts = testRunnerOptions();
    await runUntil(job.id, ["RUNNING"], opts);
    const busy = await call(h(clusterOne.DELETE), { method: "DELETE", token: key, params: { id: cluster.id } });
    expect(busy.status).toBe(409);
    expect((await busy.json()).error.message).toMatch(/1 job is still queued or running/);
    const stop = await call(h(jobOne.DELETE), { method: "DELETE", token: key, params: { id: job.id } });
    expect(stop.status).toBe(202);
    expect((await runUntil(job.id, ["CANCELLED"], opts, 10_000)).status).toBe("CANCELLED");
  });

  it("a rotated token is fixed in place: PATCH the connection, the cluster answers again", async () => {
    const guarded = await new FakeRay({ token: "new-token" }).listen();
    try {
      const t = await createOrgWithAdmin();
      const key = await apiKeyFor(t, "admin");
      const cluster = await (await call(h(clustersRoute.POST), { method: "POST", token: key, params: {}, body: { kind: "ray", name: "rotating", address: guarded.url, token: "old-token" } })).json();
      expect(cluster).toMatchObject({ health: "unhealthy", lastError: expect.stringContaining("403") });
      const patch = (body: unknown) => call(h(clusterOne.PATCH), { method: "PATCH", token: key, params: { id: cluster.id }, body });
      const fixed = await patch({ kind: "ray", name: "rotating", address: guarded.url, token: "new-token" });
      expect(await fixed.json()).toMatchObject({ id: cluster.id, health: "healthy", lastError: null, hasCredentials: true });
      expect((await patch({ kind: "kuberay", name: "rotating", server: guarded.url })).status).toBe(400);
      const viewer = await apiKeyFor(t, "viewer");
      expect((await call(h(clusterOne.PATCH), { method: "PATCH", token: viewer, params: { id: cluster.id }, body: { kind: "ray", name: "x", address: guarded.url } })).status).toBe(403);
    } finally {
      await guarded.close();
    }
  });

  it("refuses bad submissions with a message that says what to fix", async () => {
    const t = await createOrgWithAdmin();
    const key = await apiKeyFor(t, "admin");
    const viewer = await apiKeyFor(t, "viewer");
    const post = async (body: unknown, token = key) => {
      const res = await call(h(jobsRoute.POST), { method: "POST", token, params: {}, body });
      return { status: res.status, message: (await res.json()).error?.message as string };
    };
    expect(await post({ name: "x", executor: "slurm", entrypoint: "true" })).toMatchObject({ status: 400, message: expect.stringContaining('Unknown executor "slurm"') });
    expect(await post({ name: "x", executor: "ray", entrypoint: "true" })).toMatchObject({ status: 400, message: expect.stringContaining("needs `cluster`") });
    expect(await post({ name: "x", cluster: "nope", entrypoint: "true" })).toMatchObject({ status: 400, message: expect.stringContaining('No cluster named "nope"') });
    expect(await post({ name: "x", template: "pytorch-ddp" })).toMatchObject({ status: 400, message: expect.stringContaining("runs on a Ray cluster") });
    expect(await post({ name: "x", entrypoint: "true", command: "true" })).toMatchObject({ status: 400 });
    expect(await post({ name: "x", template: "iris-softmax", runtimeEnv: { pip: ["torch"] } })).toMatchObject({ status: 400, message: expect.stringContaining("apply to jobs on a cluster") });
    expect(await post({ name: "x", template: "iris-softmax" }, viewer)).toMatchObject({ status: 403 });
    const register = async (body: unknown) => {
      const res = await call(h(clustersRoute.POST), { method: "POST", token: key, params: {}, body });
      return { status: res.status, message: (await res.json()).error?.message as string };
    };
    expect(await register({ kind: "kuberay", name: "k", kubeconfig: "users: [unclosed" })).toMatchObject({ status: 400, message: expect.stringContaining("not valid YAML") });
    expect(await register({ kind: "kuberay", name: "k", kubeconfig: "contexts: 7\nclusters: {a: 1}" })).toMatchObject({ status: 400, message: expect.stringContaining("not what kubectl writes") });
    expect(await register({ kind: "kuberay", name: "k", kubeconfig: "current-context: c\ncontexts: [{name: c, context: {cluster: x, user: u}}]\nclusters: [{name: x, cluster: {server: 'file:///etc/passwd'}}]" }))
      .toMatchObject({ status: 400, message: expect.stringContaining("not an http(s) address") });
    expect(await register({ kind: "kuberay", name: "k", inCluster: true })).toMatchObject({ status: 400, message: expect.stringContaining("In-cluster credentials are off") });
    expect(await register({ kind: "ray", name: "meta", address: "http://169.254.169.254/latest" })).toMatchObject({ status: 400, message: expect.stringContaining("Link-local") });
    const userKey = await apiKeyFor(t, "user");
    expect((await call(h(clustersRoute.POST), { method: "POST", token: userKey, params: {}, body: { kind: "ray", name: "mine", address: ray.url } })).status).toBe(403);
  });
});
