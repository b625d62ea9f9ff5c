import { asc, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb } from "@/server/db/client";
import { lifecycleTransitions, runLogs, runs } from "@/server/db/schema";
import { runLifecycle } from "@/server/runner/run-lifecycle";
import { runOnce } from "@/server/runner/runner";
import { callerFor, createOrgWithAdmin } from "../helpers/fixtures";
import { runUntil, testRunnerOptions } from "../helpers/runner";

async function submit(command: string, name = "job") {
  const t = await createOrgWithAdmin();
  const caller = await callerFor(t.adminId);
  const run = await caller.training.submit({ org: t.slug, job: { name, command, hyperparameters: { lr: 0.1 } } as never });
  return { t, caller, runId: run.id };
}

describe("runner with the local executor", () => {
  it("runs a job to SUCCEEDED, captures its output and passes credentials and params", async () => {
    const { runId } = await submit(`echo "params=$ANVIL_PARAMS"; test -n "$ANVIL_RUN_TOKEN" && echo "run=$ANVIL_RUN_ID"; test -z "$DATABASE_URL" && echo no-db-url`);
    const opts = testRunnerOptions();
    const run = await runUntil(runId, ["SUCCEEDED", "FAILED"], opts);
    expect(run).toMatchObject({ status: "SUCCEEDED", exitCode: 0, remoteId: `test-${runId}-1`, leaseOwner: null });
    const db = await getDb();
    const text = (await db.select().from(runLogs).where(eq(runLogs.runId, runId))).map((l) => l.text).join("");
    expect(text).toContain('params={"lr":0.1}');
    expect(text).toContain(`run=${runId}`);
    expect(text).toContain("no-db-url");
    const history = await db.select().from(lifecycleTransitions).where(eq(lifecycleTransitions.entityId, runId)).orderBy(asc(lifecycleTransitions.version));
    expect(history.map((h) => h.toStatus)).toEqual(["QUEUED", "STARTING", expect.stringMatching(/RUNNING|SUCCEEDED/), ...(history.length === 4 ? ["SUCCEEDED"] : [])]);
  });

  it("records a failing job's real exit code", async () => {
    const { runId } = await submit("echo boom >&2; exit 3");
    const run = await runUntil(runId, ["SUCCEEDED", "FAILED"], testRunnerOptions());
    expect(run).toMatchObject({ status: "FAILED", exitCode: 3, statusMessage: expect.stringContaining("3") });
  });

  it("cancels a queued run at once and a running one through the executor", async () => {
    const { t, caller, runId } = await submit("sleep 30");
    const opts = testRunnerOptions();
    await runUntil(runId, ["RUNNING"], opts);
    await caller.training.cancel({ org: t.slug, runId });
    const run = await runUntil(runId, ["CANCELLED"], opts, 15_000);
    expect(run.finishedAt).not.toBeNull();
    await expect(caller.training.cancel({ org: t.slug, runId })).rejects.toMatchObject({ code: "CONFLICT" });

    const queued = await caller.training.submit({ org: t.slug, job: { name: "q", command: "sleep 30" } as never });
    await caller.training.cancel({ org: t.slug, runId: queued.id });
    const [row] = await (await getDb()).select().from(runs).where(eq(runs.id, queued.id));
    expect(row.status).toBe("CANCELLED");
    expect(row.remoteId).toBeNull();
  });

  it("keeps runs queued while local slots are full, with the reason shown", async () => {
    const { t, caller, runId } = await submit("sleep 30", "first");
    const opts = testRunnerOptions({ localMaxConcurrent: 1 });
    await runUntil(runId, ["RUNNING"], opts);
    const second = await caller.training.submit({ org: t.slug, job: { name: "second", command: "true" } as never });
    await runOnce(await getDb(), opts);
    const [row] = await (await getDb()).select().from(runs).where(eq(runs.id, second.id));
    expect(row.status).toBe("QUEUED");
    expect(row.statusMessage).toMatch(/local slot/);
    await caller.training.cancel({ org: t.slug, runId });
    await runUntil(runId, ["CANCELLED"], opts, 15_000);
    await runUntil(second.id, ["SUCCEEDED"], opts);
  });

  it("never lets two runners claim the same run", async () => {
    const t = await createOrgWithAdmin();
    const caller = await callerFor(t.adminId);
    for (let i = 0; i < 30; i++) await caller.training.submit({ org: t.slug, job: { name: `r${i}`, command: "true" } as never });
    const db = await getDb();
    const claims = await Promise.all(Array.from({ length: 6 }, (_, i) => runLifecycle.claimDue(db, { owner: `runner-${i}`, leaseSeconds: 30, limit: 10 })));
    const ids = claims.flat().map((r) => r.id);
    expect(ids.length).toBe(30);
    expect(new Set(ids).size).toBe(30);
  });

  it("fences a runner whose lease was taken over", async () => {
    const { runId } = await submit("true");
    const db = await getDb();
    const [stale] = await runLifecycle.claimDue(db, { owner: "stale-runner", leaseSeconds: 30, limit: 1 });
    expect(stale.id).toBe(runId);
    await db.update(runs).set({ leaseExpiresAt: new Date(0) }).where(eq(runs.id, runId)); // lease expired
    const [fresh] = await runLifecycle.claimDue(db, { owner: "fresh-runner", leaseSeconds: 30, limit: 1 });
    expect(fresh.version).toBeGreaterThan(stale.version);
    const lost = await db.transaction((tx) => runLifecycle.transition(tx, { id: runId, orgId: stale.orgId, from: "QUEUED", to: "STARTING", version: stale.version, leaseOwner: "stale-runner", actor: { kind: "system", label: "stale" } }));
    expect(lost.ok).toBe(false);
  });
});
