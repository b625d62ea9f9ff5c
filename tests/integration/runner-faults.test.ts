import fs from "node:fs";
import path from "node:path";
import { and, asc, eq, inArray } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb } from "@/server/db/client";
import { lifecycleTransitions, runnerPlacements, runs } from "@/server/db/schema";
import type { LocalExecutor } from "@/server/executors/local/local-executor";
import type { Executor } from "@/server/executors/types";
import { runLifecycle } from "@/server/runner/run-lifecycle";
import { runController } from "@/server/runner/run-reconciler";
import { runOnce, type FaultPoint } from "@/server/runner/runner";
import { systemActor } from "@/server/tenancy/actor";
import { cancelJob } from "@/server/training/jobs";
import { callerFor, createOrgWithAdmin } from "../helpers/fixtures";
import { runUntil, testLocalExecutor, testRunnerOptions } from "../helpers/runner";

async function submit(command: string, extra: Record<string, unknown> = {}) {
  const t = await createOrgWithAdmin();
  const caller = await callerFor(t.adminId);
  const run = await caller.training.submit({ org: t.slug, job: { name: "job", command, ...extra } as never });
  return { t, caller, runId: run.id };
}

const terminalTransitions = async (runId: string) =>
  (await (await getDb()).select().from(lifecycleTransitions)
    .where(and(eq(lifecycleTransitions.entityId, runId), inArray(lifecycleTransitions.toStatus, ["SUCCEEDED", "FAILED", "CANCELLED"]))));

describe("runner faults and races", () => {
  it("a job that fails at once still shows when it started and how long it ran", async () => {
    const { runId } = await submit("exit 3");
    const run = await runUntil(runId, ["FAILED", "SUCCEEDED"], testRunnerOptions());
    expect(run.status).toBe("FAILED");
    expect(run.startedAt).not.toBeNull();
    expect(run.finishedAt!.getTime()).toBeGreaterThanOrEqual(run.startedAt!.getTime());
  });

  it("a runner on another host or data directory never reconciles local runs it did not start", async () => {
    const { runId } = await submit("sleep 30");
    const here = testRunnerOptions();
    const elsewhere = testRunnerOptions({ executors: { local: testLocalExecutor() } });
    const started = await runUntil(runId, ["RUNNING"], here);
    expect(started.placement).toBe(here.executors.local.placement);
    const db = await getDb();
    // Due, lease free: everything a claim looks for except the placement.
    await db.update(runs).set({ nextCheckAt: new Date(0), leaseOwner: null, leaseExpiresAt: null }).where(eq(runs.id, runId));
    await runOnce(db, elsewhere);
    const after = (await db.select().from(runs).where(eq(runs.id, runId)))[0];
    expect(after).toMatchObject({ status: "RUNNING", version: started.version, leaseOwner: null });
    await cancelJob(db, { id: started.orgId }, systemActor("test"), runId);
    await runUntil(runId, ["CANCELLED"], here, 15_000);
  });

  it("a run whose host stopped answering is taken over: counted as lost and retried elsewhere", async () => {
    const { runId } = await submit("sleep 30", { maxRetries: 1 });
    const here = testRunnerOptions();
    const elsewhere = testRunnerOptions({ executors: { local: testLocalExecutor() }, placementTimeoutSeconds: 60 });
    const started = await runUntil(runId, ["RUNNING"], here);
    const db = await getDb();
    await db.update(runs).set({ nextCheckAt: new Date(0), leaseOwner: null, leaseExpiresAt: null }).where(eq(runs.id, runId));
    // Its host announced itself a minute ago: still someone else's.
    await db.update(runnerPlacements).set({ seenAt: new Date(Date.now() - 30_000) }).where(eq(runnerPlacements.placement, started.placement!));
    expect((await runOnce(db, elsewhere)).claimed).toBe(0);
    // Silent for longer than the timeout: taken over, counted as lost, queued for a new attempt.
    await db.update(runnerPlacements).set({ seenAt: new Date(Date.now() - 120_000) }).where(eq(runnerPlacements.placement, started.placement!));
    expect((await runOnce(db, elsewhere)).claimed).toBe(1);
    const [after] = await db.select().from(runs).where(eq(runs.id, runId));
    expect(after).toMatchObject({ status: "QUEUED", attempt: 2, placement: null });
    expect(after.statusMessage).toMatch(/no runner has answered for the host that ran it/);
    // When the silent host's runner comes back, its sweep stops the job nobody claims any more.
    const o = { signal: AbortSignal.timeout(10_000) };
    expect(await here.executors.local.running!(o)).toContain(started.remoteId);
    await runController.sweep!(db, here);
    await expect.poll(async () => (await here.executors.local.status(started.remoteId!, o)).state, { timeout: 10_000 }).toBe("STOPPED");
    await cancelJob(db, { id: started.orgId }, systemActor("test"), runId);
  });

  it("cancel racing completion: exactly one terminal status, and the cancel that committed first wins", async () => {
    const { t, runId } = await submit("true");
    const db = await getDb();
    const fired: FaultPoint[] = [];
    const opts = testRunnerOptions({
      faultPoint: async (point) => {
        if (point !== "run:before-terminal" || fired.length > 0) return;
        fired.push(point);
        await cancelJob(db, { id: t.orgId }, systemActor("racer"), runId); // lands between "job ended" and the terminal write
      },
    });
    const run = await runUntil(runId, ["SUCCEEDED", "FAILED", "CANCELLED"], opts);
    expect(fired).toEqual(["run:before-terminal"]);
    expect(run).toMatchObject({ status: "CANCELLED", statusMessage: "Cancelled (the job had exited with code 0)", cancelledBy: "racer" });
    expect(await terminalTransitions(runId)).toHaveLength(1);
  });

  it("cancel at random moments: every run ends exactly once", async () => {
    const opts = testRunnerOptions();
    const db = await getDb();
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) {
      const { t, runId } = await submit("sleep 0.$((RANDOM % 3))");
      ids.push(runId);
      const delay = (i % 4) * 40;
      setTimeout(() => void cancelJob(db, { id: t.orgId }, systemActor("racer"), runId).catch(() => {}), delay);
    }
    for (const id of ids) await runUntil(id, ["SUCCEEDED", "FAILED", "CANCELLED"], opts);
    for (const id of ids) expect(await terminalTransitions(id), id).toHaveLength(1);
  });

  it("renews the lease while a slow executor call is in flight, and abandons a call that never returns", async () => {
    const { t, runId } = await submit("sleep 30");
    const db = await getDb();
    const local = testLocalExecutor();
    const hanging: Executor = { ...local, placement: local.placement, status: () => new Promise(() => {}), submit: local.submit, logs: local.logs, stop: local.stop };
    const slowStatus: Executor = {
      ...hanging,
      status: async (id, o) => { await new Promise((r) => setTimeout(r, 2_500)); return local.status(id, o); },
    };
    const slow = testRunnerOptions({ leaseSeconds: 1, executors: { local: slowStatus } });
    const other = testRunnerOptions({ executors: { local: slowStatus } });
    const pass = runOnce(db, slow);
    await new Promise((r) => setTimeout(r, 1_800)); // past the 1 s lease: only renewal keeps it
    await db.update(runs).set({ nextCheckAt: new Date(0) }).where(eq(runs.id, runId));
    expect((await runOnce(db, other)).claimed).toBe(0);
    await pass;

    const stuck = testRunnerOptions({ callTimeoutMs: 300, executors: { local: hanging } });
    await db.update(runs).set({ nextCheckAt: new Date(0), leaseOwner: null, leaseExpiresAt: null }).where(eq(runs.id, runId));
    const begun = Date.now();
    const result = await runOnce(db, stuck);
    // Abandoned, and said on the run: the executor went silent, the runner did not.
    expect(result).toEqual({ claimed: 1, errors: 0 });
    expect(Date.now() - begun).toBeLessThan(3_000);
    expect((await db.select().from(runs).where(eq(runs.id, runId)))[0].statusMessage).toMatch(/^The executor: no answer within 300 ms\. Trying again in 5 s\.$/);
    await cancelJob(db, { id: t.orgId }, systemActor("test"), runId);
    await runUntil(runId, ["CANCELLED"], testRunnerOptions({ executors: { local } }), 15_000);
  });

  it("retries a job its executor lost under a new attempt id, then fails when retries run out", async () => {
    const { runId } = await submit("sleep 30", { maxRetries: 1 });
    const opts = testRunnerOptions();
    const db = await getDb();
    const kill = async () => {
      const run = await runUntil(runId, ["RUNNING"], opts);
      const dir = path.join((opts.executors.local as LocalExecutor).runsDir, run.remoteId!);
      const { pgid, jobPgid } = JSON.parse(fs.readFileSync(path.join(dir, "pid.json"), "utf8")) as { pgid: number; jobPgid: number };
      process.kill(-jobPgid, "SIGKILL"); // the supervisor and its job vanish without a word
      process.kill(-pgid, "SIGKILL");
      return run;
    };
    const first = await kill();
    const retried = await runUntil(runId, ["QUEUED"], opts);
    expect(retried).toMatchObject({ attempt: 2, remoteId: null, remoteState: "NONE", placement: null });
    expect(retried.statusMessage).toMatch(/Attempt 1 was lost .*attempt 2 of 2 starts in \d+ s/);
    const second = await kill();
    expect(second.remoteId).toBe(first.remoteId!.replace(/-1$/, "-2"));
    const failed = await runUntil(runId, ["FAILED"], opts);
    expect(failed).toMatchObject({ attempt: 2, remoteState: "LOST" });
    expect(failed.statusMessage).toMatch(/no retries left \(1 of 1 used\)/);
    const steps = (await db.select().from(lifecycleTransitions).where(eq(lifecycleTransitions.entityId, runId)).orderBy(asc(lifecycleTransitions.version))).map((r) => r.toStatus);
    expect(steps).toEqual(["QUEUED", "STARTING", "RUNNING", "QUEUED", "STARTING", "RUNNING", "FAILED"]);
    expect(await runLifecycle.claimDue(db, { owner: "late", leaseSeconds: 5, limit: 10, where: eq(runs.id, runId) })).toHaveLength(0);
  });
});
