import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { and, asc, eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { getDb } from "@/server/db/client";
import { auditLog, lifecycleTransitions, runLogs, runs } from "@/server/db/schema";
import type { FaultPoint } from "@/server/runner/runner";
import { waitFor } from "../helpers/wait";
import { callerFor, createOrgWithAdmin, unique } from "../helpers/fixtures";

/**
 * Runner crashes with real processes (jobs-reliability.md §5): `kill -9` at named fault points,
 * a runner frozen past its lease, a job's last 10 MB of output. Each fault test asserts that its
 * fault point fired, that the job ran exactly once, and how the run ended.
 */

const children: ChildProcess[] = [];
afterEach(() => { for (const c of children.splice(0)) c.kill("SIGKILL"); });

interface Worker { child: ChildProcess; owner: Promise<string> }

function startWorker(dataDir: string, fault?: { point: FaultPoint; action: "kill" | "stop"; nth?: number; marker: string }): Worker {
  // `node --import tsx` (not the tsx CLI) so the pid we signal is the runner itself.
  const child = spawn(process.execPath, ["--import", "tsx", "tests/reliability/fault-worker.ts"], {
    env: {
      ...process.env, ANVIL_DATA_DIR: dataDir, ANVIL_RUNNER_POLL_MS: "100", ANVIL_LEASE_SECONDS: "2", ANVIL_INSTALL_ID: "rel",
      ANVIL_TEST_FAULT: JSON.stringify(fault ?? null), ANVIL_JOB_WRITABLE_PATHS: path.join(dataDir, "shared"),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stderr!.on("data", (d) => process.stderr.write(`[worker ${child.pid}] ${d}`));
  const owner = new Promise<string>((resolve) => {
    child.stdout!.on("data", (d: Buffer) => {
      for (const line of d.toString().split("\n")) if (line.includes('"worker started"')) resolve(JSON.parse(line).owner);
    });
  });
  children.push(child);
  return { child, owner };
}


const runRow = async (id: string) => (await (await getDb()).select().from(runs).where(eq(runs.id, id)))[0];
const ended = (id: string) => waitFor(async () => { const r = await runRow(id); return ["SUCCEEDED", "FAILED", "CANCELLED"].includes(r.status) ? r : undefined; }, 45_000, "the end of the run");
const exited = (p: ChildProcess) => new Promise((r) => (p.exitCode !== null || p.signalCode !== null ? r(null) : p.once("exit", r)));

async function history(id: string) {
  const rows = await (await getDb()).select().from(lifecycleTransitions).where(eq(lifecycleTransitions.entityId, id)).orderBy(asc(lifecycleTransitions.version));
  return rows.map((h) => h.toStatus);
}

/** A data directory for the workers and a world-writable one where jobs (under their own uids) leave markers. */
async function setup(script: (jobMarker: string) => string) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "anvil-rel-"));
  const shared = path.join(dataDir, "shared");
  fs.mkdirSync(shared);
  fs.chmodSync(shared, 0o777);
  const jobMarker = path.join(shared, `started-${unique()}`);
  const t = await createOrgWithAdmin();
  const caller = await callerFor(t.adminId);
  const { id } = await caller.training.submit({ org: t.slug, job: { name: "survivor", command: script(jobMarker) } as never });
  return { dataDir, jobMarker, faultMarker: path.join(dataDir, "fault-fired"), id, t, caller };
}

const lines = (file: string) => fs.readFileSync(file, "utf8").trim().split("\n");

describe("runner crashes", () => {
  it("adopts the still-running job after kill -9; exactly one process ran it", async () => {
    const { dataDir, jobMarker, id } = await setup((m) => `echo $$ >> ${m}; sleep 3; echo finished`);
    const first = startWorker(dataDir);
    await waitFor(async () => (await runRow(id)).status === "RUNNING", 30_000, "RUNNING");
    first.child.kill("SIGKILL");
    await exited(first.child);
    startWorker(dataDir);
    expect(await ended(id)).toMatchObject({ status: "SUCCEEDED", exitCode: 0, attempt: 1, remoteId: `rel-${id}-1` });
    expect(lines(jobMarker)).toHaveLength(1);
    expect(await history(id)).toEqual(["QUEUED", "STARTING", "RUNNING", "SUCCEEDED"]);
  });

  it("records the real exit code and end time of a job that finished while no runner was alive", async () => {
    const { dataDir, jobMarker, id } = await setup((m) => `echo $$ >> ${m}; sleep 1; exit 7`);
    const first = startWorker(dataDir);
    await waitFor(async () => (await runRow(id)).status === "RUNNING", 30_000, "RUNNING");
    first.child.kill("SIGKILL");
    const exitFile = path.join(dataDir, "runs", (await runRow(id)).remoteId!, "exit.json");
    await waitFor(async () => fs.existsSync(exitFile), 10_000, "the job to finish");
    const { finishedAt } = JSON.parse(fs.readFileSync(exitFile, "utf8")) as { finishedAt: string };
    startWorker(dataDir);
    const done = await ended(id);
    expect(done).toMatchObject({ status: "FAILED", exitCode: 7 });
    expect(done.finishedAt!.toISOString()).toBe(finishedAt);
    expect(done.finishedAt!.getTime() - done.startedAt!.getTime()).toBeGreaterThanOrEqual(1000);
    expect(lines(jobMarker)).toHaveLength(1);
  });

  it.each<[FaultPoint, string]>([
    ["run:after-intent", "between recording the remote id and submitting"],
    ["run:after-submit", "between submitting and recording the submission"],
  ])("kill -9 at %s (%s): the next runner submits under the same id, and the job runs once", async (point) => {
    const { dataDir, jobMarker, faultMarker, id } = await setup((m) => `echo $$ >> ${m}; echo done`);
    const first = startWorker(dataDir, { point, action: "kill", marker: faultMarker });
    await exited(first.child);
    expect(lines(faultMarker)).toEqual([point]);
    startWorker(dataDir);
    expect(await ended(id)).toMatchObject({ status: "SUCCEEDED", attempt: 1, remoteId: `rel-${id}-1`, remoteState: "SUBMITTED" });
    expect(lines(jobMarker)).toHaveLength(1);
  });

  it("kill -9 while copying 10 MB of output at exit: the next runner resumes, every byte is in the log once", async () => {
    const line = (i: number) => `line ${String(i).padStart(6, "0")} ${"x".repeat(85)}\n`;
    const count = Math.ceil((10 * 1024 * 1024) / line(0).length);
    const expected = Array.from({ length: count }, (_, i) => line(i)).join("");
    const script = `let s='';for(let i=0;i<${count};i++)s+='line '+String(i).padStart(6,'0')+' '+'x'.repeat(85)+'\\n';process.stdout.write(s)`;
    const { dataDir, faultMarker, id } = await setup(() => `sleep 0.5; "${process.execPath}" -e "${script}"`);
    const first = startWorker(dataDir, { point: "run:after-log-chunk", action: "kill", nth: 5, marker: faultMarker });
    await exited(first.child);
    expect(lines(faultMarker)).toEqual(["run:after-log-chunk"]);
    startWorker(dataDir);
    expect((await ended(id)).status).toBe("SUCCEEDED");
    const logged = (await (await getDb()).select({ text: runLogs.text }).from(runLogs).where(eq(runLogs.runId, id)).orderBy(asc(runLogs.id))).map((r) => r.text).join("");
    expect(logged.length).toBe(expected.length);
    expect(logged === expected).toBe(true);
  });

  it("a runner frozen past its lease is fenced when it wakes: another adopts, the frozen one writes nothing", async () => {
    const { dataDir, jobMarker, faultMarker, id } = await setup((m) => `echo $$ >> ${m}; sleep 2`);
    const frozen = startWorker(dataDir, { point: "run:after-submit", action: "stop", marker: faultMarker });
    const frozenOwner = await frozen.owner;
    await waitFor(async () => fs.existsSync(faultMarker), 30_000, "the fault point");
    expect(lines(faultMarker)).toEqual(["run:after-submit"]);
    startWorker(dataDir);
    const done = await ended(id);
    expect(done.status).toBe("SUCCEEDED");
    frozen.child.kill("SIGCONT");
    frozen.child.kill("SIGTERM"); // finishes the step it was frozen in, then exits
    await exited(frozen.child);
    const db = await getDb();
    const byFrozen = await db.select().from(lifecycleTransitions).where(and(eq(lifecycleTransitions.entityId, id), eq(lifecycleTransitions.actor, `runner:${frozenOwner}`)));
    expect(byFrozen.map((t) => t.toStatus)).toEqual(["STARTING"]);
    expect(await db.select().from(auditLog).where(and(eq(auditLog.targetId, id), eq(auditLog.actorLabel, `runner:${frozenOwner}`)))).toHaveLength(1);
    expect(await runRow(id)).toMatchObject({ status: "SUCCEEDED", version: done.version });
    expect(lines(jobMarker)).toHaveLength(1);
  });
});
