import { eq } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { getDb } from "@/server/db/client";
import { clusters, runLogs, runs } from "@/server/db/schema";
import { runOnce } from "@/server/runner/runner";
import { callerFor, createOrgWithAdmin, unique } from "../helpers/fixtures";
import { runUntil, testRunnerOptions } from "../helpers/runner";
import { FakeRay } from "../fakes/fake-ray";

/** Jobs on a registered Ray cluster, end to end through the runner, against the fake dashboard. */

const fakes: FakeRay[] = [];
afterAll(async () => { await Promise.all(fakes.map((f) => f.close())); });

async function setup(rayOpts: ConstructorParameters<typeof FakeRay>[0] = {}, token?: string) {
  const ray = await new FakeRay(rayOpts).listen();
  fakes.push(ray);
  const t = await createOrgWithAdmin();
  const caller = await callerFor(t.adminId);
  const name = `ray-${unique()}`;
  const cluster = await caller.clusters.register({ org: t.slug, cluster: { kind: "ray", name, address: ray.url, token: token ?? rayOpts.token, proxyAuthHeader: false } });
  const submit = (job: Record<string, unknown>) => caller.training.submit({ org: t.slug, job: { name: "job", cluster: name, ...job } as never });
  return { ray, t, caller, cluster, submit };
}

const row = async (id: string) => (await (await getDb()).select().from(runs).where(eq(runs.id, id)))[0];
const logsOf = async (id: string) => (await (await getDb()).select().from(runLogs).where(eq(runLogs.runId, id))).map((l) => l.text).join("");

describe("Ray executor through the runner", () => {
  const opts = testRunnerOptions({ stopDeadlineSeconds: 2 });

  it("registers a cluster with its Ray version and stores the token sealed", async () => {
    const { cluster, t } = await setup({ token: "s3cret-token" });
    expect(cluster).toMatchObject({ health: "healthy", rayVersion: "2.52.0", hasCredentials: true, lastError: null });
    const [stored] = await (await getDb()).select().from(clusters).where(eq(clusters.id, cluster.id));
    expect(stored.credentials).not.toContain("s3cret-token");
    expect(stored.orgId).toBe(t.orgId);
    expect(JSON.stringify(cluster)).not.toContain("s3cret-token");
  });

  it("runs a job to SUCCEEDED: submission id = remote id, its output and credentials reach it", async () => {
    const { ray, submit } = await setup({ mode: "execute", token: "tok" });
    const job = await submit({ command: 'echo "hello from ray run=$ANVIL_RUN_ID"; test -n "$ANVIL_RUN_TOKEN" && echo has-token', resources: { cpu: 2, memoryGb: 1.5, gpuCount: 0 } });
    const run = await runUntil(job.id, ["SUCCEEDED", "FAILED"], opts);
    expect(run).toMatchObject({ status: "SUCCEEDED", remoteId: `test-${job.id}-1`, exitCode: 0 });
    const submitted = ray.jobs.get(run.remoteId!)!;
    expect(submitted.request).toMatchObject({ entrypoint_num_cpus: 2, entrypoint_memory: Math.round(1.5 * 1024 ** 3), metadata: { anvil_run_id: job.id, anvil_install: "test" } });
    expect(ray.counts()).toEqual({ jobs: 1, submitCalls: 1, duplicates: 0 });
    const text = await logsOf(job.id);
    expect(text).toContain(`hello from ray run=${job.id}`);
    expect(text).toContain("has-token");
  });

  it("sends only the fields an older Ray knows", async () => {
    const { ray, submit } = await setup({ rayVersion: "2.1.0" });
    const job = await submit({ command: "python train.py", resources: { cpu: 4, memoryGb: 8, gpuCount: 1, gpuType: "A100" } });
    const run = await runUntil(job.id, ["SUCCEEDED", "FAILED"], opts);
    expect(run.status).toBe("SUCCEEDED");
    expect(Object.keys(ray.jobs.get(run.remoteId!)!.request).sort()).toEqual(["entrypoint", "metadata", "runtime_env", "submission_id"]);
  });

  it("records a failing job's exit code and Ray's message", async () => {
    const { submit } = await setup({ mode: "execute" });
    const job = await submit({ command: "echo doomed; exit 3" });
    const run = await runUntil(job.id, ["SUCCEEDED", "FAILED"], opts);
    expect(run).toMatchObject({ status: "FAILED", exitCode: 3, statusMessage: expect.stringContaining("exit code 3") });
  });

  it("a job the head forgot is lost and retried under a new attempt id, never resubmitted under the old one", async () => {
    const { ray, submit } = await setup({ runMs: 60_000 });
    const job = await submit({ command: "python long.py", maxRetries: 1 });
    await runUntil(job.id, ["RUNNING"], opts);
    ray.restartHead();
    const retried = await runUntil(job.id, ["QUEUED", "STARTING", "RUNNING"].filter((s) => s !== "RUNNING"), opts).catch(() => row(job.id));
    expect(retried.attempt).toBe(2);
    const run = await runUntil(job.id, ["RUNNING"], opts);
    expect(run.remoteId).toBe(`test-${job.id}-2`);
    expect(ray.submitCalls.get(`test-${job.id}-1`)).toBe(1);
    expect(ray.submitCalls.get(`test-${job.id}-2`)).toBe(1);
    ray.restartHead();
    const ended = await runUntil(job.id, ["FAILED"], opts);
    expect(ended.statusMessage).toMatch(/Ray has no job/);
  });

  it("cancel stops the Ray job and the run ends CANCELLED within seconds", async () => {
    const { ray, t, caller, submit } = await setup({ mode: "execute" });
    const job = await submit({ command: "echo started; sleep 30" });
    await runUntil(job.id, ["RUNNING"], opts);
    const asked = Date.now();
    await caller.training.cancel({ org: t.slug, runId: job.id });
    const run = await runUntil(job.id, ["CANCELLED"], opts, 10_000);
    expect(Date.now() - asked).toBeLessThan(6_000);
    expect(run.statusMessage).toBe("Cancelled");
    expect(ray.stopCalls.get(run.remoteId!)).toBeGreaterThanOrEqual(1);
    expect(ray.jobs.get(run.remoteId!)!.status).toBe("STOPPED");
  });

  it("a Ray that never stops: CANCELLED at the deadline, the job ORPHANED, stop retried until it ends", async () => {
    const { ray, t, caller, submit } = await setup({ runMs: 60_000 });
    ray.neverStop = true;
    const job = await submit({ command: "python forever.py" });
    await runUntil(job.id, ["RUNNING"], opts);
    await caller.training.cancel({ org: t.slug, runId: job.id });
    const asked = (await row(job.id)).cancelRequestedAt;
    await caller.training.cancel({ org: t.slug, runId: job.id }); // asking again does not move the deadline
    expect((await row(job.id)).cancelRequestedAt).toEqual(asked);
    const run = await runUntil(job.id, ["CANCELLED"], opts, 15_000);
    expect(run).toMatchObject({ remoteState: "ORPHANED", statusMessage: expect.stringContaining("keeps asking") });
    const db = await getDb();
    const before = ray.stopCalls.get(run.remoteId!)!;
    await db.update(runs).set({ nextCheckAt: new Date(0) }).where(eq(runs.id, job.id));
    await runOnce(db, opts);
    expect(ray.stopCalls.get(run.remoteId!)!).toBe(before + 1);
    ray.neverStop = false;
    ray.stop(run.remoteId!);
    await new Promise((r) => setTimeout(r, 400));
    await db.update(runs).set({ nextCheckAt: new Date(0) }).where(eq(runs.id, job.id));
    await runOnce(db, opts);
    expect(await row(job.id)).toMatchObject({ status: "CANCELLED", remoteState: "STOPPED", nextCheckAt: null });
  });

  it("a duplicate submit (runner crashed after submitting) is absorbed: one Ray job", async () => {
    const { ray, submit } = await setup({ runMs: 300 });
    const job = await submit({ command: "python train.py" });
    const db = await getDb();
    // Intent recorded, then the job submitted, but the runner died before recording it.
    await runUntil(job.id, ["STARTING", "RUNNING"], opts);
    await db.update(runs).set({ remoteState: "NONE" }).where(eq(runs.id, job.id));
    ray.restartHead();
    const remoteId = `test-${job.id}-1`;
    ray.submit({ entrypoint: "python train.py", submission_id: remoteId });
    const run = await runUntil(job.id, ["SUCCEEDED", "FAILED"], opts);
    expect(run.status).toBe("SUCCEEDED");
    expect(ray.jobs.size).toBe(1);
  });
});

describe("a cluster that misbehaves", () => {
  const opts = testRunnerOptions({ stopDeadlineSeconds: 1, callTimeoutMs: 1_500 });

  it("a wrong token (403) before the job was submitted: the attempt fails saying so, and the cluster page too", async () => {
    const { cluster, submit } = await setup({ token: "right" }, "wrong");
    expect(cluster).toMatchObject({ health: "unhealthy", lastError: expect.stringContaining("403") });
    const job = await submit({ command: "true" });
    const run = await runUntil(job.id, ["FAILED"], opts);
    expect(run.statusMessage).toMatch(/^Cluster "ray-\w+" refused the job: Ray refused the cluster's token \(403: Forbidden: Invalid authentication token\)$/);
  });

  it("a Ray older than 2.0 is refused before anything is sent", async () => {
    const { ray, submit } = await setup({ rayVersion: "1.13.0" });
    const job = await submit({ command: "true" });
    const run = await runUntil(job.id, ["FAILED"], opts);
    expect(run.statusMessage).toContain("Ray 1.13.0 is older than 2.0");
    expect(ray.counts().submitCalls).toBe(0);
  });

  it("a cluster gone silent mid-job: cancel still ends the run, and the stop goes through once it answers", async () => {
    const { ray, t, caller, submit } = await setup({ runMs: 60_000 });
    const job = await submit({ command: "python train.py" });
    await runUntil(job.id, ["RUNNING"], opts);
    ray.hang = true;
    await caller.training.cancel({ org: t.slug, runId: job.id });
    await new Promise((r) => setTimeout(r, 1_100));
    const run = await runUntil(job.id, ["CANCELLED"], opts, 15_000);
    expect(run).toMatchObject({ remoteState: "ORPHANED", statusMessage: expect.stringContaining("did not answer the stop") });
    ray.hang = false;
    const db = await getDb();
    await db.update(runs).set({ nextCheckAt: new Date(0) }).where(eq(runs.id, job.id));
    await runOnce(db, opts);
    expect(ray.jobs.get(run.remoteId!)!.status).toBe("RUNNING");
    expect(ray.stopCalls.get(run.remoteId!)).toBe(1);
    await new Promise((r) => setTimeout(r, 400));
    await db.update(runs).set({ nextCheckAt: new Date(0) }).where(eq(runs.id, job.id));
    await runOnce(db, opts);
    expect(await row(job.id)).toMatchObject({ remoteState: "STOPPED" });
  });

  it("a finished job whose logs can no longer be read still ends, saying so in its log", async () => {
    const { ray, submit } = await setup({ runMs: 400 });
    const job = await submit({ command: "python train.py" });
    await runUntil(job.id, ["RUNNING"], opts);
    ray.failLogs = true;
    const run = await runUntil(job.id, ["SUCCEEDED"], opts);
    expect(run.status).toBe("SUCCEEDED");
    expect(await logsOf(job.id)).toContain("[anvil] the rest of the output could not be read: Ray failed to get logs (500: RuntimeError: Request failed with status code 500: Failed to connect to the agent on node 10.0.0.7.)");
  });

  it("a missing token (401) and a proxy's garbage answer each say what is wrong", async () => {
    const { cluster } = await setup({ token: "needed" }, "");
    expect(cluster.lastError).toMatch(/401.*Missing authentication token/);
    const g = await setup();
    g.ray.garbage = true;
    const job = await g.submit({ command: "true" });
    await runUntil(job.id, ["STARTING"], opts);
    const db = await getDb();
    await db.update(runs).set({ nextCheckAt: new Date(0) }).where(eq(runs.id, job.id));
    await runOnce(db, opts);
    expect((await row(job.id)).statusMessage).toMatch(/not JSON \(text\/plain, \d+ bytes\): is this address really Ray\?/);
    const [c] = await db.select().from(clusters).where(eq(clusters.id, g.cluster.id));
    expect(c).toMatchObject({ health: "unhealthy", lastError: expect.stringContaining("not JSON") });
  });

  it("a cluster that hangs times out with a message, and recovers when it answers again", async () => {
    const { ray, submit, cluster } = await setup();
    const job = await submit({ command: "true" });
    ray.hang = true;
    await runUntil(job.id, ["STARTING"], opts);
    const db = await getDb();
    await db.update(runs).set({ nextCheckAt: new Date(0) }).where(eq(runs.id, job.id));
    await runOnce(db, opts);
    expect((await row(job.id)).statusMessage).toMatch(/no answer within 2 s|did not answer/);
    ray.hang = false;
    const run = await runUntil(job.id, ["SUCCEEDED"], opts);
    expect(run.statusMessage).toBeNull();
    const [c] = await db.select().from(clusters).where(eq(clusters.id, cluster.id));
    expect(c).toMatchObject({ health: "healthy", lastError: null });
  });
});
