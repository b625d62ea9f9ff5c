import fs from "node:fs";
import { and, asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as cancelRoute from "@/app/api/tasks/[id]/cancel/route";
import * as executionsRoute from "@/app/api/tasks/[id]/executions/route";
import * as resumeRoute from "@/app/api/tasks/[id]/resume/route";
import * as startRoute from "@/app/api/tasks/[id]/start/route";
import * as suspendRoute from "@/app/api/tasks/[id]/suspend/route";
import * as taskRoute from "@/app/api/tasks/[id]/route";
import * as continuousRoute from "@/app/api/tasks/continuous/route";
import * as standardRoute from "@/app/api/tasks/standard/route";
import { getDb } from "@/server/db/client";
import { datasetVersions, lifecycleTransitions, pipelineTasks, runs, taskExecutions } from "@/server/db/schema";
import { uploadDataset } from "@/server/datasets/datasets";
import { ensurePhaseRun, TaskMoved } from "@/server/pipelines/phase-runs";
import { taskLifecycle } from "@/server/pipelines/task-lifecycle";
import { runOnce, type RunnerOptions } from "@/server/runner/runner";
import { getObjectStore } from "@/server/storage";
import { systemActor } from "@/server/tenancy/actor";
import { startAppHttp } from "../helpers/app-http";
import { apiKeyFor, createOrgWithAdmin, type TestOrg } from "../helpers/fixtures";
import { call, type RouteHandler } from "../helpers/rest";
import { testRunnerOptions } from "../helpers/runner";

/**
 * Tasks end to end: each phase is a real run of examples/pipeline/phase.mjs on the local
 * executor, talking to the app's REST routes over HTTP with its run token; the controller
 * stages inputs, imports outputs and moves the task through the state machine.
 */

let app: Awaited<ReturnType<typeof startAppHttp>>;
let opts: RunnerOptions;
beforeAll(async () => {
  app = await startAppHttp();
  opts = testRunnerOptions({ appUrl: app.url });
});
afterAll(() => app?.close());

const DATA = "examples/pipeline/data";
async function uploadExample(t: TestOrg, name: string, file: string, type: "training" | "validation" | "test") {
  const { dataset } = await uploadDataset(t.db, getObjectStore(), t.orgId, systemActor("test"), { name, type, domain: "botany", format: "csv", filename: file }, fs.createReadStream(`${DATA}/${file}`));
  return dataset.id;
}

async function setup() {
  const t = await createOrgWithAdmin();
  const key = await apiKeyFor(t, "user");
  const train = await uploadExample(t, "iris-hard", "iris-hard-train.csv", "training");
  const validation = await uploadExample(t, "iris-hard-validation", "iris-hard-validation.csv", "validation");
  const test = await uploadExample(t, "iris-hard-test", "iris-hard-test.csv", "test");
  return { t, key, train, validation, test };
}

const rest = (h: unknown, key: string, params: Record<string, string> = {}, body?: unknown) => call(h as RouteHandler, { token: key, method: body === undefined && !params.id ? "GET" : "POST", params, body });
type TaskJson = { id: string; status: string; stopReason: string | null; currentIteration: number; scores: Array<{ iteration: number; score: number }>; history: Array<{ from: string | null; to: string }> };
const task = async (id: string) => (await (await getDb()).select().from(pipelineTasks).where(eq(pipelineTasks.id, id)))[0];

/** Drives the runner until the task reaches one of `statuses` (phases are real processes), and `also` holds. */
async function driveUntil(id: string, statuses: string[], timeoutMs = 120_000, also: () => Promise<boolean> = async () => true) {
  const db = await getDb();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await runOnce(db, opts);
    const row = await task(id);
    if (statuses.includes(row.status) && (await also())) return row;
    if (Date.now() > deadline) throw new Error(`task stayed ${row.status} (${row.statusMessage ?? ""})`);
    await db.update(pipelineTasks).set({ nextCheckAt: new Date(0) }).where(and(eq(pipelineTasks.id, id), eq(pipelineTasks.leaseOwner, null as never)));
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("pipeline tasks", () => {
  it("a continuous task loops optimize → train → evaluate, feeding bad cases forward, and stops at maxIterations with the reason", async () => {
    const { t, key, train, validation, test } = await setup();
    const created = await rest(continuousRoute.POST, key, {}, {
      taskName: "iris loop", modelName: "iris-softmax", datasetId: train, validationDatasetId: validation, testDatasetId: test,
      userId: 1, hyperparameters: JSON.stringify({ epochs: 200, seed: 1 }), maxIterations: 3, performanceThreshold: 1.01,
    });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as TaskJson;
    expect((await rest(startRoute.POST, key, { id })).status).toBe(202);
    expect((await rest(startRoute.POST, key, { id })).status).toBe(409);

    const done = await driveUntil(id, ["COMPLETED", "FAILED", "CANCELLED"]);
    expect(done.status, done.statusMessage ?? "").toBe("COMPLETED");
    expect(done.stopReason).toMatch(/^3 of 3 iterations run; best score [01](\.\d+)? \(threshold 1\.01 not reached\)$/);

    const detail = (await (await rest(taskRoute.GET, key, { id })).json()) as TaskJson;
    expect(detail.history.map((h) => h.to)).toEqual(["PENDING", ...Array(3).fill(["OPTIMIZING", "TRAINING", "EVALUATING", "LOOPING"]).flat().slice(0, -1), "COMPLETED"]);
    expect(detail.scores.map((s) => s.iteration)).toEqual([1, 2, 3]);

    const { executions } = (await (await rest(executionsRoute.GET, key, { id })).json()) as { executions: Array<{ iteration: number; phase: string; status: string; run: { status: string }; outputDatasetId: string | null; inputDatasetId: string | null; modelPath: string | null; score: number | null; report: { badCases: unknown[] } | null }> };
    expect(executions.map((e) => `${e.iteration}:${e.phase}:${e.status}:${e.run.status}`)).toEqual([1, 2, 3].flatMap((i) => ["OPTIMIZING", "TRAINING", "EVALUATING"].map((p) => `${i}:${p}:SUCCEEDED:SUCCEEDED`)));
    // Each optimization's output is a new version of the dataset derived from its input, and the next iteration's input.
    const db = await getDb();
    const optimizations = executions.filter((e) => e.phase === "OPTIMIZING");
    for (const [i, e] of optimizations.entries()) {
      const [v] = await db.select().from(datasetVersions).where(eq(datasetVersions.id, e.outputDatasetId!));
      expect(v.sourceVersionId).toBe(e.inputDatasetId);
      expect(v.derivation).toMatch(new RegExp(`^iteration ${i + 1}: deduplicate`));
      if (i > 0) {
        expect(e.inputDatasetId).toBe(optimizations[i - 1].outputDatasetId);
        expect(v.derivation).toMatch(/oversample bad cases \+\d+/); // the feedback reached the optimizer
      }
    }
    expect(executions.filter((e) => e.phase === "TRAINING").every((e) => e.modelPath?.endsWith("model/model.json"))).toBe(true);
    expect(executions.filter((e) => e.phase === "EVALUATING").every((e) => typeof e.score === "number" && Array.isArray(e.report?.badCases))).toBe(true);
    // Every phase ran exactly once per iteration.
    const phaseRuns = await db.select().from(runs).where(eq(runs.orgId, t.orgId));
    expect(phaseRuns).toHaveLength(9);
  });

  it("suspend during training, resume: training runs again in a new run and the task completes", async () => {
    const { key, train, test } = await setup();
    const { id } = (await (await rest(standardRoute.POST, key, {}, { taskName: "once", modelName: "m", datasetId: train, testDatasetId: test })).json()) as TaskJson;
    await rest(startRoute.POST, key, { id });
    const db = await getDb();
    // Suspended while the training run is running.
    await driveUntil(id, ["TRAINING"], 60_000, async () => {
      const [e] = await db.select({ status: runs.status }).from(taskExecutions).innerJoin(runs, eq(runs.id, taskExecutions.runId))
        .where(and(eq(taskExecutions.taskId, id), eq(taskExecutions.phase, "TRAINING")));
      return e?.status === "RUNNING";
    });
    expect((await rest(suspendRoute.POST, key, { id })).status).toBe(202);
    const suspended = await task(id);
    expect(suspended).toMatchObject({ status: "SUSPENDED", suspendedFrom: "TRAINING" });
    const [first] = await db.select().from(taskExecutions).where(and(eq(taskExecutions.taskId, id), eq(taskExecutions.phase, "TRAINING")));
    expect(first.status).toBe("SUSPENDED");
    expect((await rest(suspendRoute.POST, key, { id })).status).toBe(409);

    expect((await rest(resumeRoute.POST, key, { id })).status).toBe(202);
    const done = await driveUntil(id, ["COMPLETED", "FAILED", "CANCELLED"]);
    expect(done.status, done.statusMessage ?? "").toBe("COMPLETED");
    expect(done.stopReason).toMatch(/^a standard task runs one iteration; score [01](\.\d+)?$/);
    const [again] = await db.select().from(taskExecutions).where(and(eq(taskExecutions.taskId, id), eq(taskExecutions.phase, "TRAINING")));
    expect(again.status).toBe("SUCCEEDED");
    expect(again.runId).not.toBe(first.runId);
    const [stopped] = await db.select().from(runs).where(eq(runs.id, first.runId!));
    expect(stopped.status).toBe("CANCELLED");
    const path = (await db.select().from(lifecycleTransitions).where(eq(lifecycleTransitions.entityId, id)).orderBy(asc(lifecycleTransitions.version))).map((h) => h.toStatus);
    expect(path).toEqual(["PENDING", "OPTIMIZING", "TRAINING", "SUSPENDED", "TRAINING", "EVALUATING", "COMPLETED"]);
  });

  it("cancel during evaluation stops its run and ends CANCELLED through LOOPING; a second cancel is refused", async () => {
    const { key, train, validation } = await setup();
    const { id } = (await (await rest(continuousRoute.POST, key, {}, { taskName: "stop me", modelName: "m", datasetId: train, validationDatasetId: validation, maxIterations: 4 })).json()) as TaskJson;
    await rest(startRoute.POST, key, { id });
    await driveUntil(id, ["EVALUATING"]);
    expect((await rest(cancelRoute.POST, key, { id })).status).toBe(202);
    const done = await driveUntil(id, ["CANCELLED", "COMPLETED", "FAILED"]);
    expect(done.status).toBe("CANCELLED");
    expect(done.stopReason).toBe("Cancelled in iteration 1 while evaluating");
    const db = await getDb();
    const path = (await db.select().from(lifecycleTransitions).where(eq(lifecycleTransitions.entityId, id)).orderBy(asc(lifecycleTransitions.version))).map((h) => h.toStatus);
    expect(path.slice(-3)).toEqual(["EVALUATING", "LOOPING", "CANCELLED"]);
    expect((await rest(cancelRoute.POST, key, { id })).status).toBe(409);
  });

  it("a suspended task cancelled goes back to its phase and ends; a runner step that lost the task to a user creates nothing", async () => {
    const { t, key, train } = await setup();
    const { id } = (await (await rest(standardRoute.POST, key, {}, { taskName: "raced", modelName: "m", datasetId: train })).json()) as TaskJson;
    await rest(startRoute.POST, key, { id });
    const db = await getDb();
    // A runner claims the task; before it creates the phase's run, the user suspends it.
    const [claimed] = await taskLifecycle.claimDue(db, { owner: "stale-runner", leaseSeconds: 30, limit: 10, where: eq(pipelineTasks.id, id) });
    expect(claimed.status).toBe("OPTIMIZING");
    expect((await rest(suspendRoute.POST, key, { id })).status).toBe(202);
    await expect(ensurePhaseRun(db, claimed, "OPTIMIZING", systemActor("test"), "stale-runner")).rejects.toBeInstanceOf(TaskMoved);
    expect(await db.select().from(runs).where(eq(runs.orgId, t.orgId))).toHaveLength(0);
    expect(await db.select().from(taskExecutions).where(eq(taskExecutions.taskId, id))).toHaveLength(0);

    expect((await rest(cancelRoute.POST, key, { id })).status).toBe(202);
    const done = await driveUntil(id, ["CANCELLED", "COMPLETED", "FAILED"]);
    expect(done.status).toBe("CANCELLED");
    const path = (await db.select().from(lifecycleTransitions).where(eq(lifecycleTransitions.entityId, id)).orderBy(asc(lifecycleTransitions.version))).map((h) => h.toStatus);
    expect(path).toEqual(["PENDING", "OPTIMIZING", "SUSPENDED", "OPTIMIZING", "CANCELLED"]);
    expect(await db.select().from(runs).where(eq(runs.orgId, t.orgId))).toHaveLength(0);
  });

  it("a phase that fails fails the task with the reason; bad requests are 4xx and create nothing", async () => {
    const { t, key, train } = await setup();
    const other = await createOrgWithAdmin();
    const otherKey = await apiKeyFor(other, "admin");
    const bad = [
      await rest(standardRoute.POST, key, {}, { taskName: "x", modelName: "m", datasetId: train, hyperparameters: "{not json" }),
      await rest(standardRoute.POST, key, {}, { taskName: "x", modelName: "m", datasetId: "00000000-0000-4000-8000-000000000000" }),
      await rest(standardRoute.POST, key, {}, { taskName: "", modelName: "m", datasetId: train }),
      await rest(continuousRoute.POST, key, {}, { taskName: "x", modelName: "m", datasetId: train, maxIterations: 0 }),
      await rest(standardRoute.POST, otherKey, {}, { taskName: "x", modelName: "m", datasetId: train }),
    ];
    expect(bad.map((r) => r.status)).toEqual([400, 404, 400, 400, 404]);
    const db = await getDb();
    expect(await db.select().from(pipelineTasks).where(eq(pipelineTasks.orgId, t.orgId))).toHaveLength(0);

    // A dataset with no numeric feature: training has nothing to learn from.
    const { dataset } = await uploadDataset(t.db, getObjectStore(), t.orgId, systemActor("test"), { name: "words", type: "training", domain: "", format: "csv" },
      (await import("node:stream")).Readable.from(["word,label\nfoo,a\nbar,b\n"]));
    const { id } = (await (await rest(standardRoute.POST, key, {}, { taskName: "doomed", modelName: "m", datasetId: dataset.id })).json()) as TaskJson;
    await rest(startRoute.POST, key, { id });
    const done = await driveUntil(id, ["FAILED", "COMPLETED", "CANCELLED"]);
    expect(done.status).toBe("FAILED");
    expect(done.stopReason).toMatch(/^(Optimize|Train) failed in iteration 1: its run .* ended FAILED/);
    expect((await rest(taskRoute.GET, otherKey, { id })).status).toBe(404);
  });
});
