import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { eq, sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { auditLog, experiments, metricRollups, metrics, runMetricSummaries, runs } from "@/server/db/schema";
import { createFsObjectStore } from "@/server/storage/object-store";
import { systemActor } from "@/server/tenancy/actor";
import { uploadArtifact } from "@/server/tracking/artifacts";
import { finishExternalRun, startExternalRun } from "@/server/tracking/external-runs";
import { ingestMetrics } from "@/server/tracking/metrics";
import { purgeDeleted, setExperimentDeleted, setRunDeleted } from "@/server/tracking/retention";
import { callerFor, createOrgWithAdmin, type TestOrg } from "../helpers/fixtures";

const root = mkdtempSync(path.join(os.tmpdir(), "anvil-retention-"));
const store = createFsObjectStore(root);
afterAll(() => rmSync(root, { recursive: true, force: true }));
const actor = systemActor("test");

/** A finished run with 2,000 points, its rollups and summaries, and two artifact files. */
async function finishedRun(t: TestOrg, experiment = "exp") {
  const run = await startExternalRun(t.db, { id: t.orgId }, actor, { project: "p", experiment, heartbeatTimeout: null });
  await ingestMetrics(t.db, { id: run.id, orgId: t.orgId, attempt: null }, Array.from({ length: 2_000 }, (_, i) => ({ key: "loss", value: 1 / (i + 1), step: i })));
  for (const name of ["model.bin", "eval/report.json"]) {
    await uploadArtifact(t.db, store, { id: run.id, orgId: t.orgId }, actor, { path: name, contentType: "application/octet-stream", body: Readable.from([Buffer.alloc(4096, 1)]) });
  }
  await finishExternalRun(t.db, { id: t.orgId }, actor, run.id, { state: "FINISHED" });
  return run;
}

const countFor = async (t: TestOrg, runId: string) => {
  const n = async (table: typeof metrics | typeof metricRollups | typeof runMetricSummaries) =>
    (await t.db.select({ n: sql<number>`count(*)::int` }).from(table).where(eq(table.runId, runId)))[0].n;
  return { metrics: await n(metrics), rollups: await n(metricRollups), summaries: await n(runMetricSummaries), runs: (await t.db.select().from(runs).where(eq(runs.id, runId))).length };
};
const objectFiles = (t: TestOrg, runId: string) => {
  try { return readdirSync(path.join(root, "artifacts", t.orgId, runId)).length; } catch { return 0; }
};
/** Moves a deletion into the past, as if the purge delay had elapsed. */
const age = (t: TestOrg, table: typeof runs | typeof experiments, id: string, hours: number) =>
  t.db.update(table).set({ deletedAt: sql`now() - make_interval(hours => ${hours})` }).where(eq(table.id, id));

describe("retention", () => {
  it("keeps a deleted run restorable until the delay, then purges its metrics, rollups, summaries and artifact files", async () => {
    const t = await createOrgWithAdmin();
    const caller = await callerFor(t.adminId);
    const kept = await finishedRun(t);
    const doomed = await finishedRun(t);
    expect(objectFiles(t, doomed.id)).toBe(2);

    await caller.runs.delete({ org: t.slug, runId: doomed.id });
    await caller.runs.restore({ org: t.slug, runId: doomed.id });
    await caller.runs.delete({ org: t.slug, runId: doomed.id });
    expect(await purgeDeleted(t.db, store, { purgeAfterHours: 24 })).toEqual({ runs: 0, experiments: 0, objects: 0 });
    expect((await countFor(t, doomed.id)).metrics).toBe(2_000);

    await age(t, runs, doomed.id, 25);
    expect(await purgeDeleted(t.db, store, { purgeAfterHours: 24 })).toMatchObject({ runs: 1, objects: 2 });
    expect(await countFor(t, doomed.id)).toEqual({ metrics: 0, rollups: 0, summaries: 0, runs: 0 });
    expect(objectFiles(t, doomed.id)).toBe(0);
    // The other run is untouched, and the purge is on the audit trail.
    expect((await countFor(t, kept.id)).metrics).toBe(2_000);
    expect(objectFiles(t, kept.id)).toBe(2);
    const audit = await t.db.select().from(auditLog).where(eq(auditLog.targetId, doomed.id));
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(["run.delete", "run.restore", "run.purge"]));
  });

  it("purges a deleted experiment's runs with it, waits for a run that is still going, and refuses another org", async () => {
    const t = await createOrgWithAdmin();
    const other = await createOrgWithAdmin();
    const done = await finishedRun(t, "to-delete");
    const going = await startExternalRun(t.db, { id: t.orgId }, actor, { project: "p", experiment: "to-delete", heartbeatTimeout: null });
    await expect((await callerFor(other.adminId)).experiments.delete({ org: other.slug, experimentId: done.experiment.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect((await callerFor(other.adminId)).runs.delete({ org: other.slug, runId: done.id })).rejects.toMatchObject({ code: "NOT_FOUND" });

    await setExperimentDeleted(t.db, t.orgId, done.experiment.id, actor, true);
    await age(t, experiments, done.experiment.id, 2);
    expect(await purgeDeleted(t.db, store, { purgeAfterHours: 1 })).toMatchObject({ runs: 1, experiments: 0 });
    expect((await countFor(t, going.id)).runs).toBe(1);

    await finishExternalRun(t.db, { id: t.orgId }, actor, going.id, { state: "KILLED" });
    expect(await purgeDeleted(t.db, store, { purgeAfterHours: 1 })).toMatchObject({ runs: 1, experiments: 1 });
    expect(await t.db.select().from(experiments).where(eq(experiments.id, done.experiment.id))).toHaveLength(0);
  });

  it("goes on with the other runs when one run's objects cannot be deleted, and retries it later", async () => {
    const t = await createOrgWithAdmin();
    const [a, b] = [await finishedRun(t), await finishedRun(t)];
    for (const r of [a, b]) { await setRunDeleted(t.db, t.orgId, r.id, actor, true); await age(t, runs, r.id, 48); }
    const failing = { ...store, delete: async (key: string) => { if (key.includes(a.id)) throw new Error("store away"); return store.delete(key); } };
    expect(await purgeDeleted(t.db, failing, { purgeAfterHours: 24 })).toMatchObject({ runs: 1 });
    expect((await countFor(t, a.id)).runs).toBe(1);
    expect((await countFor(t, b.id)).runs).toBe(0);
    expect(await purgeDeleted(t.db, store, { purgeAfterHours: 24 })).toMatchObject({ runs: 1 });
    expect(await countFor(t, a.id)).toEqual({ metrics: 0, rollups: 0, summaries: 0, runs: 0 });
  });

  it("does not purge a run restored after it was found due", async () => {
    const t = await createOrgWithAdmin();
    const run = await finishedRun(t);
    await setRunDeleted(t.db, t.orgId, run.id, actor, true);
    await age(t, runs, run.id, 48);
    await setRunDeleted(t.db, t.orgId, run.id, actor, false);
    expect(await purgeDeleted(t.db, store, { purgeAfterHours: 24 })).toMatchObject({ runs: 0 });
    expect((await countFor(t, run.id)).metrics).toBe(2_000);
  });
});
