import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { and, eq, inArray, sql } from "drizzle-orm";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { getDb } from "@/server/db/client";
import { lifecycleTransitions, runs } from "@/server/db/schema";
import type { FaultPoint } from "@/server/runner/runner";
import { systemActor } from "@/server/tenancy/actor";
import { getMemberOrg } from "@/server/tenancy/organizations";
import { submitJob } from "@/server/training/jobs";
import { submitJobSchema } from "@/server/training/job-input";
import { waitFor } from "../helpers/wait";
import { callerFor, createOrgWithAdmin, unique } from "../helpers/fixtures";
import { FakeRay } from "../fakes/fake-ray";

/**
 * Runner processes against a Ray cluster (the fake, counting every submit): `kill -9` between
 * submit and record, and four runners sharing a thousand jobs. Jobs per attempt are counted by
 * Ray itself; transitions by the audit of the lifecycle.
 */

const children: ChildProcess[] = [];
afterEach(() => { for (const c of children.splice(0)) c.kill("SIGKILL"); });
const ray = await new FakeRay({ mode: "simulate", startMs: 20, runMs: 100 }).listen();
afterAll(() => ray.close());

function startWorker(dataDir: string, fault?: { point: FaultPoint; marker: string }): ChildProcess {
  const child = spawn(process.execPath, ["--import", "tsx", "tests/reliability/fault-worker.ts"], {
    env: {
      ...process.env, ANVIL_DATA_DIR: dataDir, ANVIL_RUNNER_POLL_MS: "100", ANVIL_LEASE_SECONDS: "3", ANVIL_INSTALL_ID: "relray", ANVIL_LOG_LEVEL: "warn",
      ANVIL_TEST_FAULT: JSON.stringify(fault ? { ...fault, action: "kill" } : null),
    },
    stdio: ["ignore", "ignore", "pipe"],
  });
  child.stderr!.on("data", (d) => process.stderr.write(`[worker ${child.pid}] ${d}`));
  children.push(child);
  return child;
}


async function orgWithCluster() {
  const t = await createOrgWithAdmin();
  const caller = await callerFor(t.adminId);
  const name = `ray-${unique()}`;
  await caller.clusters.register({ org: t.slug, cluster: { kind: "ray", name, address: ray.url, proxyAuthHeader: false } });
  const org = await getMemberOrg(t.db, t.adminId, t.slug);
  const submit = (jobName: string) => submitJob(t.db, org, systemActor("test"), submitJobSchema.parse({ name: jobName, cluster: name, command: "python train.py" }));
  return { t, submit };
}

const dataDir = () => fs.mkdtempSync(path.join(os.tmpdir(), "anvil-relray-"));
const exited = (p: ChildProcess) => new Promise((r) => (p.exitCode !== null || p.signalCode !== null ? r(null) : p.once("exit", r)));

describe("runners against Ray", () => {
  it.each<FaultPoint>(["run:after-intent", "run:after-submit"])("kill -9 at %s: exactly one Ray job for the attempt, adopted to the end", async (point) => {
    const { submit } = await orgWithCluster();
    const dir = dataDir();
    const marker = path.join(dir, "fired");
    const run = await submit("crash");
    const first = startWorker(dir, { point, marker });
    await exited(first);
    expect(fs.readFileSync(marker, "utf8").trim()).toBe(point);
    startWorker(dir);
    const done = await waitFor(async () => {
      const [r] = await (await getDb()).select().from(runs).where(eq(runs.id, run.id));
      return ["SUCCEEDED", "FAILED", "CANCELLED"].includes(r.status) ? r : undefined;
    }, 30_000, "the run to end");
    expect(done).toMatchObject({ status: "SUCCEEDED", attempt: 1, remoteId: `relray-${run.id}-1` });
    expect(ray.submitCalls.get(`relray-${run.id}-1`)).toBe(1);
    expect([...ray.submitCalls.keys()].filter((k) => k.includes(run.id))).toHaveLength(1);
  });

  it("4 runner processes, 1,000 jobs through Ray: all succeed, 0 duplicate transitions, 0 duplicate submissions", async () => {
    const { submit } = await orgWithCluster();
    const ids: string[] = [];
    for (let i = 0; i < 1000; i++) ids.push((await submit(`bulk-${i}`)).id);
    const before = ray.counts();
    const started = Date.now();
    for (let i = 0; i < 4; i++) startWorker(dataDir());
    const db = await getDb();
    await waitFor(async () => {
      const [{ n }] = await db.select({ n: sql<number>`count(*)::int` }).from(runs).where(and(inArray(runs.id, ids), eq(runs.status, "SUCCEEDED")));
      return n === ids.length;
    }, 240_000, "1,000 jobs to succeed");
    const seconds = (Date.now() - started) / 1000;
    const dupes = await db.execute(sql`select entity_id, to_status, count(*) from ${lifecycleTransitions}
      where lifecycle = 'run' and entity_id in ${ids} group by entity_id, to_status having count(*) > 1`);
    expect([...dupes]).toEqual([]);
    const after = ray.counts();
    expect(after.jobs - before.jobs).toBe(1000);
    expect(after.duplicates - before.duplicates).toBe(0);
    const owners = await db.execute(sql`select count(distinct actor)::int as n from ${lifecycleTransitions} where lifecycle = 'run' and entity_id in ${ids} and actor like 'runner:%'`);
    expect((owners as unknown as Array<{ n: number }>)[0].n).toBe(4);
    console.log(`1,000 Ray jobs through 4 runners in ${seconds.toFixed(1)} s`);
  }, 300_000);
});
