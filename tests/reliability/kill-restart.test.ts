import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { asc, eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { getDb } from "@/server/db/client";
import { runs, runTransitions } from "@/server/db/schema";
import { callerFor, createOrgWithAdmin, unique } from "../helpers/fixtures";

/**
 * `kill -9` of the process running the runner while a local job runs (jobs-reliability.md §5,
 * scenario 14): after a restart the job is adopted, never started twice, and ends with its
 * real exit code — also when it finished while no runner was alive.
 */

const children: ChildProcess[] = [];
afterEach(() => { for (const c of children.splice(0)) c.kill("SIGKILL"); });

function startWorker(dataDir: string): ChildProcess {
  // `node --import tsx` (not the tsx CLI) so the pid we kill is the runner itself.
  const child = spawn(process.execPath, ["--import", "tsx", "server/worker.ts"], {
    env: { ...process.env, ANVIL_DATA_DIR: dataDir, ANVIL_RUNNER_POLL_MS: "100", ANVIL_LEASE_SECONDS: "2", ANVIL_INSTALL_ID: "rel" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stderr!.on("data", (d) => process.stderr.write(`[worker ${child.pid}] ${d}`));
  children.push(child);
  return child;
}

async function waitFor<T>(fn: () => Promise<T | undefined | false>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function runRow(id: string) {
  return (await (await getDb()).select().from(runs).where(eq(runs.id, id)))[0];
}

async function setup(script: (marker: string) => string) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "anvil-rel-"));
  const marker = path.join(dataDir, `started-${unique()}`);
  const t = await createOrgWithAdmin();
  const caller = await callerFor(t.adminId);
  const { id } = await caller.training.submit({ org: t.slug, job: { name: "survivor", command: script(marker) } as never });
  return { dataDir, marker, id };
}

describe("kill -9 of the runner process", () => {
  it("adopts the still-running job after a restart; exactly one process ran it", async () => {
    const { dataDir, marker, id } = await setup((m) => `echo $$ >> ${m}; sleep 3; echo finished`);
    const first = startWorker(dataDir);
    await waitFor(async () => (await runRow(id)).status === "RUNNING", 30_000, "RUNNING");
    first.kill("SIGKILL");
    await new Promise((r) => first.once("exit", r));
    startWorker(dataDir);
    const done = await waitFor(async () => { const r = await runRow(id); return r.status === "SUCCEEDED" || r.status === "FAILED" ? r : undefined; }, 30_000, "the end of the run");
    expect(done).toMatchObject({ status: "SUCCEEDED", exitCode: 0, attempt: 1, remoteId: `rel-${id}-1` });
    expect(fs.readFileSync(marker, "utf8").trim().split("\n")).toHaveLength(1);
    const history = await (await getDb()).select().from(runTransitions).where(eq(runTransitions.runId, id)).orderBy(asc(runTransitions.version));
    expect(history.map((h) => h.toStatus)).toEqual(["QUEUED", "STARTING", "RUNNING", "SUCCEEDED"]);
  });

  it("records the real exit code of a job that finished while no runner was alive", async () => {
    const { dataDir, marker, id } = await setup((m) => `echo $$ >> ${m}; sleep 1; exit 7`);
    const first = startWorker(dataDir);
    await waitFor(async () => (await runRow(id)).status === "RUNNING", 30_000, "RUNNING");
    first.kill("SIGKILL");
    const remoteId = (await runRow(id)).remoteId!;
    await waitFor(async () => fs.existsSync(path.join(dataDir, "runs", remoteId, "exit.json")), 10_000, "the job to finish");
    startWorker(dataDir);
    const done = await waitFor(async () => { const r = await runRow(id); return r.status === "FAILED" || r.status === "SUCCEEDED" ? r : undefined; }, 30_000, "the end of the run");
    expect(done).toMatchObject({ status: "FAILED", exitCode: 7 });
    expect(fs.readFileSync(marker, "utf8").trim().split("\n")).toHaveLength(1);
  });
});
