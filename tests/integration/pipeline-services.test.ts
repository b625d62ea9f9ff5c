import fs from "node:fs";
import { and, asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { examplesToCsv, parseTable, toExamples } from "@/examples/pipeline/table.mjs";
import { evaluateOnRows, trainOnRows } from "@/examples/pipeline/model-phases.mjs";
import { optimize } from "@/examples/pipeline/optimize-data.mjs";
import { getDb } from "@/server/db/client";
import { datasetVersions, pipelineTasks, taskExecutions } from "@/server/db/schema";
import { uploadDataset } from "@/server/datasets/datasets";
import { runOnce, type RunnerOptions } from "@/server/runner/runner";
import { getObjectStore } from "@/server/storage";
import { systemActor } from "@/server/tenancy/actor";
import { FakePhaseService } from "../fakes/phase-service";
import { startAppHttp } from "../helpers/app-http";
import { addUser, callerFor, createOrgWithAdmin, type TestOrg } from "../helpers/fixtures";
import { testRunnerOptions } from "../helpers/runner";

/**
 * Phases on external HTTP services (the seed's async contract): a service in the test tree that
 * does the example's real work on what Anvil sends inline, and Anvil importing what it returns.
 */

type Inline = { data: string; format: string };
type Example = { values: Array<number | null>; label: string };
const rowsOf = (d: Inline) => toExamples(parseTable(d.data, d.format)) as { features: string[]; label: string; examples: Example[] };
/** The example's phases behind the seed's endpoints. */
function realWork(kind: string, raw: unknown): Record<string, unknown> {
  const body = raw as { iteration: number; dataset?: Inline; feedback?: unknown; model?: { layers: unknown[]; standardization: unknown; classes: string[] }; validation?: Inline; test?: Inline };
  if (kind === "optimize") {
    const t = rowsOf(body.dataset!);
    const out = optimize(t.examples, body.feedback as never, { seed: 7 + body.iteration, perCase: 4, jitter: 0.15 });
    return { data: examplesToCsv(t.features, t.label, out.rows), derivation: out.derivation };
  }
  if (kind === "train") {
    const { examples } = rowsOf(body.dataset!);
    const classes = [...new Set(examples.map((e) => e.label))].sort();
    const m = trainOnRows(examples, { classes, epochs: 200 });
    return { model: { format: "anvil-example/pipeline-softmax@1", label: "species", classes, standardization: m.scaler, layers: m.model.layers } };
  }
  const predictor = { model: { layers: body.model!.layers }, scaler: body.model!.standardization, classes: body.model!.classes };
  const valid = (d: Inline) => rowsOf(d).examples.filter((e) => e.values.every((v) => v !== null));
  const onValidation = evaluateOnRows(predictor as never, valid(body.validation!));
  return { ...onValidation, score: evaluateOnRows(predictor as never, valid(body.test ?? body.validation!)).score };
}

let app: Awaited<ReturnType<typeof startAppHttp>>;
let opts: RunnerOptions;
beforeAll(async () => { app = await startAppHttp(); opts = testRunnerOptions({ appUrl: app.url }); });
afterAll(() => app?.close());

async function setup() {
  const t = await createOrgWithAdmin();
  const upload = async (name: string, file: string) => (await uploadDataset(t.db, getObjectStore(), t.orgId, systemActor("test"), { name, type: "training", domain: "", format: "csv" }, fs.createReadStream(`examples/pipeline/data/${file}`))).dataset.id;
  return { t, train: await upload("train", "iris-hard-train.csv"), validation: await upload("validation", "iris-hard-validation.csv"), test: await upload("test", "iris-hard-test.csv") };
}

async function drive(id: string, timeoutMs = 60_000) {
  const db = await getDb();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await db.update(pipelineTasks).set({ nextCheckAt: new Date(0) }).where(eq(pipelineTasks.id, id));
    await runOnce(db, opts);
    const [row] = await db.select().from(pipelineTasks).where(eq(pipelineTasks.id, id));
    if (["COMPLETED", "FAILED", "CANCELLED"].includes(row.status)) return row;
    if (Date.now() > deadline) throw new Error(`task stayed ${row.status} (${row.statusMessage ?? ""})`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function create(t: TestOrg, task: Record<string, unknown>) {
  return (await callerFor(t.adminId)).pipelines.create({ org: t.slug, start: true, task: { name: "remote", mode: "CONTINUOUS", modelName: "m", maxIterations: 2, ...task } as never });
}

describe("phases on external services", () => {
  it("runs every phase on a service: inputs inline, results imported, the report fed back; starts are idempotent", async () => {
    const service = await new FakePhaseService({ runningPolls: 2, failFirst: 1, token: "s3cret" }, realWork).listen();
    try {
      const { t, train, validation, test } = await setup();
      const { id } = await create(t, { datasetId: train, validationDatasetId: validation, testDatasetId: test, services: { optimize: service.url, train: service.url, evaluate: service.url }, serviceToken: "s3cret" });
      const done = await drive(id);
      expect(done.status, done.statusMessage ?? "").toBe("COMPLETED");
      expect(done.stopReason).toMatch(/^2 of 2 iterations run; best score/);
      expect(service.starts.map((s) => s.kind)).toEqual(["optimize", "train", "evaluate", "optimize", "train", "evaluate"]);
      expect(service.starts.map((s) => s.key)).toEqual([1, 2].flatMap((i) => ["optimize", "train", "evaluate"].map((k) => `${id}:${i}:${k}`)));
      // The second optimization got the first evaluation's bad cases; the first got none.
      const sent = service.starts.filter((s) => s.kind === "optimize").map((s) => (s.body as { feedback: { badCases: unknown[] } | null }).feedback);
      expect(sent[0]).toBeNull();
      expect(Array.isArray(sent[1]!.badCases)).toBe(true);
      const db = await getDb();
      const executions = await db.select().from(taskExecutions).where(eq(taskExecutions.taskId, id)).orderBy(asc(taskExecutions.startedAt));
      expect(executions.every((e) => e.status === "SUCCEEDED" && e.serviceUrl === service.url && e.remoteId && e.runId === null)).toBe(true);
      expect(executions.filter((e) => e.phase === "TRAINING").every((e) => Array.isArray((e.remoteModel as { layers: unknown[] }).layers))).toBe(true);
      const versions = await db.select().from(datasetVersions).where(and(eq(datasetVersions.orgId, t.orgId), eq(datasetVersions.datasetId, train))).orderBy(asc(datasetVersions.version));
      expect(versions.map((v) => v.derivation?.split(":")[0] ?? "uploaded")).toEqual(["uploaded", "iteration 1", "iteration 2"]);
      expect(versions[2].sourceVersionId).toBe(versions[1].id);
      // The token is stored sealed, and never shown.
      const [row] = await db.select().from(pipelineTasks).where(eq(pipelineTasks.id, id));
      expect(JSON.stringify(row.phaseServices)).not.toContain("s3cret");
      const view = await (await callerFor(t.adminId)).pipelines.get({ org: t.slug, taskId: id });
      expect(JSON.stringify(view)).not.toContain("s3cret");
    } finally {
      await service.close();
    }
  });

  it("mixes an external trainer with built-in runs for the other phases", async () => {
    const service = await new FakePhaseService({}, realWork).listen();
    try {
      const { t, train, test } = await setup();
      const { id } = await create(t, { mode: "STANDARD", maxIterations: 1, datasetId: train, testDatasetId: test, services: { train: service.url } });
      const done = await drive(id);
      expect(done.status, done.statusMessage ?? "").toBe("COMPLETED");
      const executions = await (await getDb()).select().from(taskExecutions).where(eq(taskExecutions.taskId, id)).orderBy(asc(taskExecutions.startedAt));
      expect(executions.map((e) => [e.phase, e.runId !== null, e.remoteId !== null])).toEqual([["OPTIMIZING", true, false], ["TRAINING", false, true], ["EVALUATING", true, false]]);
      expect(service.starts).toHaveLength(1);
    } finally {
      await service.close();
    }
  });

  it("a service that fails the phase, or refuses the credentials, fails the task with its words; only admins may name services", async () => {
    const failing = await new FakePhaseService({ fail: true }, realWork).listen();
    const locked = await new FakePhaseService({ token: "right" }, realWork).listen();
    try {
      const { t, train } = await setup();
      const a = await create(t, { mode: "STANDARD", maxIterations: 1, datasetId: train, services: { optimize: failing.url } });
      expect((await drive(a.id)).stopReason).toBe("Optimize failed in iteration 1: the service says: out of memory");
      const b = await create(t, { mode: "STANDARD", maxIterations: 1, datasetId: train, services: { optimize: locked.url }, serviceToken: "wrong" });
      expect((await drive(b.id)).stopReason).toMatch(/^Optimize failed in iteration 1: the phase service refused the credentials \(401\)/);
      const member = await addUser(t.db, t.orgId, "user");
      await expect((await callerFor(member.id)).pipelines.create({ org: t.slug, task: { name: "x", mode: "STANDARD", modelName: "m", datasetId: train, services: { optimize: failing.url } } as never }))
        .rejects.toMatchObject({ code: "FORBIDDEN" });
    } finally {
      await failing.close();
      await locked.close();
    }
  });
});
