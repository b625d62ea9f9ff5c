import { Readable } from "node:stream";
import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb } from "@/server/db/client";
import { lifecycleTransitions, pipelineTasks } from "@/server/db/schema";
import { uploadDataset } from "@/server/datasets/datasets";
import { resumeRequest, suspendRequest, taskLifecycle, type TaskStatus } from "@/server/pipelines/task-lifecycle";
import { getObjectStore } from "@/server/storage";
import { systemActor } from "@/server/tenancy/actor";
import { ensureProject } from "@/server/tracking/projects";
import { createOrgWithAdmin } from "../helpers/fixtures";

/** The task state machine on PostgreSQL: compare-and-set, audit, refusals by code and database. */

const actor = systemActor("test");

async function newTask() {
  const t = await createOrgWithAdmin();
  const db = await getDb();
  const { dataset, version } = await uploadDataset(db, getObjectStore(), t.orgId, actor, { name: "d", type: "training", domain: "", format: "csv" }, Readable.from([Buffer.from("a,b\n1,2\n")]));
  const project = await ensureProject(db, t.orgId, "Pipelines");
  const task = await db.transaction((tx) => taskLifecycle.create(tx, {
    values: { orgId: t.orgId, projectId: project.id, name: "loop", mode: "CONTINUOUS", modelName: "iris", datasetId: dataset.id, sourceVersionId: version.id, maxIterations: 3 },
    actor,
  }));
  return { db, t, task };
}

describe("task lifecycle on the database", () => {
  it("moves along the table, remembers the phase it was suspended in and resumes only there", async () => {
    const { db, task } = await newTask();
    const move = async (from: TaskStatus, to: TaskStatus, extra: Record<string, unknown> = {}) => {
      const [row] = await db.select().from(pipelineTasks).where(eq(pipelineTasks.id, task.id));
      return db.transaction((tx) => taskLifecycle.transition(tx, { id: task.id, orgId: task.orgId, from, to, version: row.version, actor, ...extra }));
    };
    expect((await move("PENDING", "OPTIMIZING")).ok).toBe(true);
    expect((await move("OPTIMIZING", "TRAINING")).ok).toBe(true);
    const s = suspendRequest("TRAINING");
    expect((await move(s.from, s.to, { set: s.set })).ok).toBe(true);
    const [suspended] = await db.select().from(pipelineTasks).where(eq(pipelineTasks.id, task.id));
    expect(suspended).toMatchObject({ status: "SUSPENDED", suspendedFrom: "TRAINING" });
    // Another phase is refused by the guard; the remembered one is taken.
    expect((await move("SUSPENDED", "EVALUATING", { guard: sql`${pipelineTasks.suspendedFrom} = 'EVALUATING'` })).ok).toBe(false);
    const r = resumeRequest(suspended.suspendedFrom);
    expect((await move(r.from, r.to, { guard: r.guard })).ok).toBe(true);
    const [resumed] = await db.select().from(pipelineTasks).where(eq(pipelineTasks.id, task.id));
    expect(resumed).toMatchObject({ status: "TRAINING", suspendedFrom: null });
    const history = await db.select().from(lifecycleTransitions).where(eq(lifecycleTransitions.entityId, task.id));
    expect(history.map((h) => `${h.fromStatus ?? "∅"}→${h.toStatus}`)).toEqual(["∅→PENDING", "PENDING→OPTIMIZING", "OPTIMIZING→TRAINING", "TRAINING→SUSPENDED", "SUSPENDED→TRAINING"]);
  });

  it("refuses illegal transitions in the code and in the database", async () => {
    const { db, task } = await newTask();
    await expect(db.transaction((tx) => taskLifecycle.transition(tx, { id: task.id, orgId: task.orgId, from: "PENDING", to: "COMPLETED" as never, version: task.version, actor })))
      .rejects.toThrow(/illegal pipeline_task transition PENDING → COMPLETED/);
    // Around the code: a transition row for a pair the table does not have is refused by a foreign key.
    await expect(db.insert(lifecycleTransitions).values({ lifecycle: "pipeline_task", entityId: task.id, version: 9, orgId: task.orgId, fromStatus: "PENDING", toStatus: "COMPLETED", actor: "test" }))
      .rejects.toThrow();
    // And a suspended task without the phase to resume cannot exist.
    await expect(db.update(pipelineTasks).set({ status: "SUSPENDED" }).where(eq(pipelineTasks.id, task.id))).rejects.toThrow();
    await expect(db.update(pipelineTasks).set({ currentIteration: 4 }).where(eq(pipelineTasks.id, task.id))).rejects.toThrow();
  });
});
