import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { and, asc, eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/server/db/client";
import { datasetVersions, lifecycleTransitions, pipelineTasks, runs, taskExecutions } from "@/server/db/schema";
import { uploadDataset } from "@/server/datasets/datasets";
import type { FaultPoint } from "@/server/runner/runner";
import { getObjectStore } from "@/server/storage";
import { systemActor } from "@/server/tenancy/actor";
import { startAppHttp } from "../helpers/app-http";
import { callerFor, createOrgWithAdmin } from "../helpers/fixtures";
import { waitFor } from "../helpers/wait";

/**
 * A pipeline task survives its runner dying: `kill -9` while each phase's run is running, and at
 * the task controller's own fault points. Each time the next runner resumes the same phase by
 * adopting its run: one run and one execution per phase per iteration, no dataset version twice.
 */

let app: Awaited<ReturnType<typeof startAppHttp>>;
beforeAll(async () => { app = await startAppHttp(); });
afterAll(() => app?.close());
const children: ChildProcess[] = [];
afterEach(() => { for (const c of children.splice(0)) c.kill("SIGKILL"); });

/** Workers share this process's data directory: its object store holds the datasets and the artifacts the routes above serve. */
function startWorker(fault?: { point: FaultPoint; nth?: number; marker: string }) {
  const child = spawn(process.execPath, ["--import", "tsx", "tests/reliability/fault-worker.ts"], {
    env: {
      ...process.env, ANVIL_RUNNER_POLL_MS: "100", ANVIL_LEASE_SECONDS: "2", ANVIL_INSTALL_ID: "rel-pipe", ANVIL_URL: app.url,
      ANVIL_TEST_FAULT: JSON.stringify(fault ? { ...fault, action: "kill" } : null),
    },
    stdio: ["ignore", "ignore", "pipe"],
  });
  child.stderr!.on("data", (d) => process.stderr.write(`[worker ${child.pid}] ${d}`));
  children.push(child);
  return child;
}
const exited = (p: ChildProcess) => new Promise((r) => (p.exitCode !== null || p.signalCode !== null ? r(null) : p.once("exit", r)));

async function setup(hyperparameters: Record<string, number> = {}) {
  const markers = fs.mkdtempSync(path.join(os.tmpdir(), "anvil-rel-pipe-"));
  const t = await createOrgWithAdmin();
  const upload = async (name: string, file: string) => (await uploadDataset(t.db, getObjectStore(), t.orgId, systemActor("test"), { name, type: "training", domain: "", format: "csv" }, fs.createReadStream(`examples/pipeline/data/${file}`))).dataset.id;
  const [train, test] = [await upload("train", "iris-hard-train.csv"), await upload("test", "iris-hard-test.csv")];
  const caller = await callerFor(t.adminId);
  const { id } = await caller.pipelines.create({ org: t.slug, start: true, task: { name: "survivor", mode: "STANDARD", modelName: "m", datasetId: train, testDatasetId: test, hyperparameters, maxIterations: 1 } });
  return { id, t, marker: path.join(markers, "fault-fired") };
}

const taskRow = async (id: string) => (await (await getDb()).select().from(pipelineTasks).where(eq(pipelineTasks.id, id)))[0];
const ended = (id: string) => waitFor(async () => { const r = await taskRow(id); return ["COMPLETED", "FAILED", "CANCELLED"].includes(r.status) ? r : undefined; }, 90_000, "the end of the task", 200);

/** One run, one execution per phase; every run finished in its first attempt; one optimized version. */
async function expectEachPhaseOnce(id: string, orgId: string) {
  const db = await getDb();
  const executions = await db.select().from(taskExecutions).where(eq(taskExecutions.taskId, id)).orderBy(asc(taskExecutions.startedAt));
  expect(executions.map((e) => `${e.iteration}:${e.phase}:${e.status}`)).toEqual(["1:OPTIMIZING:SUCCEEDED", "1:TRAINING:SUCCEEDED", "1:EVALUATING:SUCCEEDED"]);
  const phaseRuns = await db.select().from(runs).where(eq(runs.orgId, orgId));
  expect(phaseRuns.map((r) => [r.status, r.attempt])).toEqual([["SUCCEEDED", 1], ["SUCCEEDED", 1], ["SUCCEEDED", 1]]);
  expect(new Set(executions.map((e) => e.runId))).toEqual(new Set(phaseRuns.map((r) => r.id)));
  expect(await db.select().from(datasetVersions).where(and(eq(datasetVersions.orgId, orgId)))).toHaveLength(3); // train v1, test v1, train v2
  const path = (await db.select().from(lifecycleTransitions).where(eq(lifecycleTransitions.entityId, id)).orderBy(asc(lifecycleTransitions.version))).map((h) => h.toStatus);
  expect(path).toEqual(["PENDING", "OPTIMIZING", "TRAINING", "EVALUATING", "COMPLETED"]);
}

describe("pipeline tasks and runner crashes", () => {
  it("kill -9 while each phase's run is running: the next runner adopts that run, and the task completes", async () => {
    const { id, t } = await setup({ delay_ms: 2500 });
    const db = await getDb();
    let worker = startWorker();
    for (const phase of ["OPTIMIZING", "TRAINING", "EVALUATING"] as const) {
      await waitFor(async () => {
        const [e] = await db.select({ status: runs.status }).from(taskExecutions).innerJoin(runs, eq(runs.id, taskExecutions.runId))
          .where(and(eq(taskExecutions.taskId, id), eq(taskExecutions.phase, phase)));
        return e?.status === "RUNNING";
      }, 60_000, `${phase}'s run running`, 100);
      worker.kill("SIGKILL");
      await exited(worker);
      worker = startWorker();
    }
    const done = await ended(id);
    expect(done.status, done.statusMessage ?? "").toBe("COMPLETED");
    await expectEachPhaseOnce(id, t.orgId);
  });

  it.each<[FaultPoint, number, string]>([
    ["task:after-phase-run", 2, "between creating the training run and staging its inputs"],
    ["task:after-import", 1, "between importing the optimized dataset and moving on"],
  ])("kill -9 at %s #%d (%s): nothing runs or is recorded twice", async (point, nth) => {
    const { id, t, marker } = await setup();
    const first = startWorker({ point, nth, marker });
    await exited(first);
    expect(fs.readFileSync(marker, "utf8").trim()).toBe(point);
    startWorker();
    const done = await ended(id);
    expect(done.status, done.statusMessage ?? "").toBe("COMPLETED");
    await expectEachPhaseOnce(id, t.orgId);
  });
});
