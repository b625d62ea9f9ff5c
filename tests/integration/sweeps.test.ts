import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb } from "@/server/db/client";
import { memberships, runs, runTags, sweeps } from "@/server/db/schema";
import { runLifecycle } from "@/server/runner/run-lifecycle";
import { runOnce } from "@/server/runner/runner";
import { sweepController } from "@/server/sweeps/sweep-controller";
import { systemActor } from "@/server/tenancy/actor";
import { ingestMetrics } from "@/server/tracking/metrics";
import type { Controller } from "@/server/runner/controller";
import { addUser, callerFor, createOrgWithAdmin } from "../helpers/fixtures";
import { testRunnerOptions } from "../helpers/runner";

/**
 * The sweep controller against the real database: trials are submitted as runs; here they are
 * finished by hand (the runner's executors are tested elsewhere) with the objective the function
 * under test gives, so every decision of the sweep can be checked.
 */

const controllers = [sweepController as unknown as Controller];
const actor = systemActor("test");

async function setup(overrides: Record<string, unknown> = {}) {
  const t = await createOrgWithAdmin();
  const caller = await callerFor(t.adminId);
  const sweep = await caller.sweeps.create({ org: t.slug, sweep: ({
    name: "lr search", job: { template: "iris-softmax", hyperparameters: { epochs: 5 } },
    space: [{ name: "lr", type: "loguniform", low: 0.001, high: 1 }, { name: "hidden", type: "int", low: 0, high: 16 }],
    objectives: [{ metric: "val/loss", goal: "minimize" }], algorithm: "random", maxTrials: 6, parallelism: 2, seed: 3, ...overrides,
  }) as never });
  return { t, caller, sweepId: sweep.id };
}

async function step(sweepId: string) {
  const db = await getDb();
  await db.update(sweeps).set({ nextCheckAt: new Date(0) }).where(eq(sweeps.id, sweepId));
  await runOnce(db, testRunnerOptions(), controllers);
  return (await db.select().from(sweeps).where(eq(sweeps.id, sweepId)))[0];
}

const trialsOf = async (sweepId: string) => (await getDb()).select().from(runs).where(eq(runs.sweepId, sweepId)).orderBy(runs.seq);

/** Finishes a queued trial as if it ran: RUNNING, the objective logged at `steps`, SUCCEEDED. */
async function finish(run: typeof runs.$inferSelect, series: Array<[number, number]>, end = true) {
  const db = await getDb();
  const running = await db.transaction((tx) => runLifecycle.transition(tx, { id: run.id, orgId: run.orgId, from: "QUEUED", to: "RUNNING", version: run.version, actor }));
  await ingestMetrics(db, { id: run.id, orgId: run.orgId, attempt: 1 }, series.map(([step, value]) => ({ key: "val/loss", step, value, timestamp: Date.now() })));
  if (end && running.ok) await db.transaction((tx) => runLifecycle.transition(tx, { id: run.id, orgId: run.orgId, from: "RUNNING", to: "SUCCEEDED", version: running.version!, actor }));
}

const loss = (p: Record<string, unknown>) => Math.abs(Math.log10(Number(p.lr)) + 1) + Number(p.hidden) / 100;

describe("sweeps", () => {
  it("submits trials up to the parallelism, one per finished trial, and ends with the best", async () => {
    const { t, caller, sweepId } = await setup();
    await step(sweepId);
    let trials = await trialsOf(sweepId);
    expect(trials).toHaveLength(2);
    expect(trials.map((r) => r.name)).toEqual(["lr search #1", "lr search #2"]);
    expect(trials[0].experimentId).not.toBe(trials[1].id);
    for (let round = 0; round < 10 && trials.length <= 6; round++) {
      for (const r of trials.filter((x) => x.status === "QUEUED")) await finish(r, [[1, loss((r.executorSpec as { params: Record<string, unknown> }).params) + 1], [5, loss((r.executorSpec as { params: Record<string, unknown> }).params)]]);
      const sweep = await step(sweepId);
      trials = await trialsOf(sweepId);
      expect(trials.filter((r) => r.status === "QUEUED").length).toBeLessThanOrEqual(2);
      if (sweep.status !== "RUNNING") break;
    }
    const detail = await caller.sweeps.get({ org: t.slug, sweepId });
    expect(detail.status).toBe("SUCCEEDED");
    expect(detail.trials).toHaveLength(6);
    const values = detail.trials.map((tr) => tr.objectives[0]!);
    expect(detail.best!.objectives[0]).toBe(Math.min(...values));
    expect(detail.statusMessage).toMatch(new RegExp(`^6 trials; best ${detail.best!.name.replace("#", "\\#")}: val/loss = `));
    expect(detail.trials[0].params).toEqual({ lr: expect.any(Number), hidden: expect.any(Number) });
    expect(detail.importance.map((i) => i.name).sort()).toEqual(["hidden", "lr"]);
    // Trials are the Iris template with the fixed and swept params, in the sweep's own experiment.
    const [first] = trials;
    expect((first.executorSpec as { params: Record<string, unknown> }).params).toMatchObject({ epochs: 5, lr: expect.any(Number) });
  });

  it("a grid ends when every point has run, even under a larger budget", async () => {
    const { sweepId } = await setup({ algorithm: "grid", maxTrials: 50, parallelism: 4, space: [{ name: "hidden", type: "choice", values: [0, 8] }, { name: "seed", type: "int", low: 1, high: 2 }] });
    for (let round = 0; round < 5; round++) {
      const sweep = await step(sweepId);
      if (sweep.status !== "RUNNING") break;
      for (const r of (await trialsOf(sweepId)).filter((x) => x.status === "QUEUED")) await finish(r, [[1, 0.5]]);
    }
    const [sweep] = await (await getDb()).select().from(sweeps).where(eq(sweeps.id, sweepId));
    expect(sweep.status).toBe("SUCCEEDED");
    expect(sweep.statusMessage).toContain("4 trials (the whole grid)");
  });

  it("the median rule stops a trial doing worse than the others at the same step", async () => {
    const { sweepId } = await setup({ parallelism: 4, maxTrials: 4, earlyStopping: { rule: "median", minTrials: 3, minStep: 2 } });
    await step(sweepId);
    const trials = await trialsOf(sweepId);
    for (const r of trials.slice(0, 3)) await finish(r, [[1, 1.0], [2, 0.8], [3, 0.6]]);
    await finish(trials[3], [[1, 3.0], [2, 2.9], [3, 2.8]], false);
    await step(sweepId);
    const db = await getDb();
    const [poor] = await db.select().from(runs).where(eq(runs.id, trials[3].id));
    expect(poor.desiredState).toBe("CANCEL");
    expect(await db.select().from(runTags).where(and(eq(runTags.runId, poor.id), eq(runTags.key, "sweep.stopped_early")))).toHaveLength(1);
    const others = await db.select().from(runs).where(eq(runs.sweepId, sweepId));
    expect(others.filter((r) => r.desiredState === "CANCEL")).toHaveLength(1);
  });

  it("ASHA stops a trial outside the best third at its rung, judged against every trial that got there", async () => {
    const { sweepId } = await setup({ parallelism: 4, maxTrials: 4, earlyStopping: { rule: "asha", minStep: 1, eta: 3 } });
    await step(sweepId);
    const trials = await trialsOf(sweepId);
    for (const r of trials.slice(0, 3)) await finish(r, [[1, 1.0], [2, 0.8], [3, 0.6]], false);
    await finish(trials[3], [[1, 3.0], [2, 2.9], [3, 2.8]], false);
    await step(sweepId);
    const db = await getDb();
    const stopped = (await db.select().from(runs).where(eq(runs.sweepId, sweepId))).filter((r) => r.desiredState === "CANCEL");
    expect(stopped.map((r) => r.id)).toContain(trials[3].id);
    expect(await db.select().from(runTags).where(and(eq(runTags.runId, trials[3].id), eq(runTags.value, "ASHA")))).toHaveLength(1);
  });

  it("a grid never repeats a point, even one whose trial failed; a sweep whose first trials all fail gives up", async () => {
    const { sweepId } = await setup({ algorithm: "grid", maxTrials: 50, parallelism: 2, space: [{ name: "hidden", type: "int", low: 1, high: 8 }] });
    const db = await getDb();
    for (let round = 0; round < 6; round++) {
      const sweep = await step(sweepId);
      if (sweep.status !== "RUNNING") break;
      for (const r of (await trialsOf(sweepId)).filter((x) => x.status === "QUEUED")) {
        await db.transaction((tx) => runLifecycle.transition(tx, { id: r.id, orgId: r.orgId, from: "QUEUED", to: "FAILED", version: r.version, actor }));
      }
    }
    const trials = await trialsOf(sweepId);
    const points = trials.map((r) => (r.executorSpec as { params: { hidden: number } }).params.hidden);
    expect(new Set(points).size).toBe(points.length);
    const [sweep] = await db.select().from(sweeps).where(eq(sweeps.id, sweepId));
    expect(sweep).toMatchObject({ status: "FAILED", statusMessage: expect.stringMatching(/^The first \d+ trials all failed or were stopped/) });
    expect(trials.length).toBeLessThan(8);
  });

  it("trials are submitted with the creator's current rights: a demoted creator's command sweep stops", async () => {
    const { t, sweepId } = await setup({ job: { command: "python train.py" }, maxTrials: 4, parallelism: 1 });
    await step(sweepId);
    expect(await trialsOf(sweepId)).toHaveLength(1);
    await (await getDb()).update(memberships).set({ role: "user" }).where(and(eq(memberships.orgId, t.orgId), eq(memberships.userId, t.adminId)));
    const [first] = await trialsOf(sweepId);
    await finish(first, [[1, 0.5]]);
    const sweep = await step(sweepId);
    expect(sweep).toMatchObject({ status: "FAILED", statusMessage: expect.stringContaining("Running your own commands on this machine needs") });
    expect(await trialsOf(sweepId)).toHaveLength(1);
  });

  it("stop cancels queued trials and ends the sweep; nothing more is submitted", async () => {
    const { t, caller, sweepId } = await setup();
    await step(sweepId);
    await caller.sweeps.stop({ org: t.slug, sweepId });
    const sweep = await step(sweepId);
    expect(sweep.status).toBe("CANCELLED");
    expect((await trialsOf(sweepId)).map((r) => r.status)).toEqual(["CANCELLED", "CANCELLED"]);
    await expect(caller.sweeps.stop({ org: t.slug, sweepId })).rejects.toMatchObject({ code: "CONFLICT" });
  });

  it("refuses what could never run, saying why", async () => {
    const { t, caller } = await setup();
    const base: Record<string, unknown> = { name: "x", job: { template: "iris-softmax" }, space: [{ name: "lr", type: "uniform", low: 0, high: 1 }], objectives: [{ metric: "loss", goal: "minimize" }], algorithm: "tpe", maxTrials: 5 };
    await expect(caller.sweeps.create({ org: t.slug, sweep: { ...base, algorithm: "nsga2" } as never })).rejects.toMatchObject({ code: "BAD_REQUEST", message: expect.stringContaining("NSGA-II is for two objectives") });
    await expect(caller.sweeps.create({ org: t.slug, sweep: { ...base, space: [{ name: "lr", type: "uniform", low: 1, high: 0 }] } as never })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(caller.sweeps.create({ org: t.slug, sweep: { ...base, job: { template: "pytorch-ddp" } } as never })).rejects.toMatchObject({ code: "BAD_REQUEST", message: expect.stringContaining("runs on a Ray cluster") });
    const member = await addUser(t.db, t.orgId, "user");
    await expect((await callerFor(member.id)).sweeps.create({ org: t.slug, sweep: { ...base, job: { command: "python train.py" } } as never })).rejects.toMatchObject({ code: "FORBIDDEN" });
    // Another organization's project or cluster is not found, whatever else the sweep says.
    const other = await setup();
    const otherProject = (await other.caller.training.projects({ org: other.t.slug }))[0];
    await expect(caller.sweeps.create({ org: t.slug, sweep: { ...base, job: { template: "iris-softmax", projectId: otherProject.id } } as never })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(caller.sweeps.create({ org: t.slug, sweep: { ...base, job: { template: "iris-softmax", clusterId: otherProject.id } } as never })).rejects.toMatchObject({ code: "NOT_FOUND" });
    const viewer = await addUser(t.db, t.orgId, "viewer");
    await expect((await callerFor(viewer.id)).sweeps.create({ org: t.slug, sweep: base as never })).rejects.toMatchObject({ code: "FORBIDDEN" });
  });
});

describe("REST /api/v1/sweeps", () => {
  it("starts a sweep with an API key, lists it, reads it and stops it", async () => {
    const { apiKeyFor } = await import("../helpers/fixtures");
    const { call } = await import("../helpers/rest");
    const list = await import("@/app/api/v1/sweeps/route");
    const one = await import("@/app/api/v1/sweeps/[id]/route");
    const stop = await import("@/app/api/v1/sweeps/[id]/stop/route");
    const t = await createOrgWithAdmin();
    const key = await apiKeyFor(t, "user");
    const body = { name: "rest sweep", job: { template: "iris-softmax" }, space: [{ name: "lr", type: "loguniform", low: 0.01, high: 1 }], objectives: [{ metric: "val/loss", goal: "minimize" }], algorithm: "random", maxTrials: 3 };
    const created = await call(list.POST as never, { method: "POST", token: key, params: {}, body });
    expect(created.status).toBe(201);
    const sweep = await created.json();
    expect(sweep).toMatchObject({ name: "rest sweep", status: "RUNNING", progress: { total: 3, submitted: 0 } });
    expect((await (await call(list.GET as never, { token: key, params: {} })).json()).sweeps.map((s: { id: string }) => s.id)).toEqual([sweep.id]);
    await step(sweep.id);
    const read = await (await call(one.GET as never, { token: key, params: { id: sweep.id } })).json();
    expect(read.trials).toHaveLength(2);
    expect((await call(stop.POST as never, { method: "POST", token: key, params: { id: sweep.id } })).status).toBe(202);
    const bad = await call(list.POST as never, { method: "POST", token: key, params: {}, body: { ...body, algorithm: "bayes" } });
    expect(bad.status).toBe(400);
  });
});
