import { and, eq, inArray, isNull, sql } from "drizzle-orm";
import { afterAll, describe, expect, it } from "vitest";
import { createDb, getDb } from "@/server/db/client";
import { gpuAllocations, lifecycleTransitions, runs } from "@/server/db/schema";
import { runOnce } from "@/server/runner/runner";
import { admissionPass } from "@/server/scheduling/admission-pass";
import { callerFor, createOrgWithAdmin } from "../helpers/fixtures";
import { runUntil, testRunnerOptions } from "../helpers/runner";

/**
 * Admission and preemption under real concurrency: two runners on their own connection pools,
 * deciding at the same moment over the same pool, and a preemption landing as its victim ends.
 */

const second = createDb(process.env.DATABASE_URL!, 4);
afterAll(() => second.sql.end());

const heldIn = async (poolId: string) => {
  const [{ n }] = await (await getDb()).select({ n: sql<number>`coalesce(sum(${gpuAllocations.gpus}), 0)::int` }).from(gpuAllocations)
    .where(and(eq(gpuAllocations.poolId, poolId), isNull(gpuAllocations.endedAt)));
  return n;
};

describe("scheduling races", () => {
  it("two runners admitting at once never over-commit a quota", async () => {
    const t = await createOrgWithAdmin();
    const caller = await callerFor(t.adminId);
    const pool = await caller.scheduling.createPool({ org: t.slug, pool: { name: "a100", gpus: 8, costPerGpuHour: 1 } });
    await caller.scheduling.createQueue({ org: t.slug, queue: { name: "q1", cohort: "c", quotas: [{ pool: "a100", nominal: 5 }], isDefault: true, minRuntimeSeconds: 0 } });
    await caller.scheduling.createQueue({ org: t.slug, queue: { name: "q2", cohort: "c", quotas: [{ pool: "a100", nominal: 3 }], isDefault: false, minRuntimeSeconds: 0 } });
    const ids: string[] = [];
    for (let i = 0; i < 40; i++) {
      const job = await caller.training.submit({ org: t.slug, job: { name: `j${i}`, command: "true", queue: i % 2 ? "q1" : "q2", resources: { gpuCount: 1 + (i % 3), cpu: 1, memoryGb: 1 } } as never });
      ids.push(job.id);
    }
    const db = await getDb();
    let admittedEver = 0;
    for (let round = 0; round < 16; round++) {
      // The two runners decide at once, over snapshots that differ: a job arrives in between.
      const [a, b] = await Promise.all([
        admissionPass(db),
        (async () => {
          const job = await caller.training.submit({ org: t.slug, job: { name: `late${round}`, command: "true", queue: "q2", priority: round, resources: { gpuCount: 1 + (round % 2), cpu: 1, memoryGb: 1 } } as never });
          ids.push(job.id);
          return admissionPass(second.db);
        })(),
      ]);
      admittedEver += a.admitted + b.admitted;
      expect(await heldIn(pool.id)).toBeLessThanOrEqual(8);
      // Some holders finish: their GPUs go back in the transaction that ends them.
      const holders = await db.select({ id: gpuAllocations.runId }).from(gpuAllocations).where(and(eq(gpuAllocations.poolId, pool.id), isNull(gpuAllocations.endedAt)));
      for (const h of holders.slice(0, 2)) await caller.training.cancel({ org: t.slug, runId: h.id! });
    }
    expect(admittedEver).toBeGreaterThan(8);
    const both = await db.select({ runId: gpuAllocations.runId, n: sql<number>`count(*)::int` }).from(gpuAllocations)
      .where(inArray(gpuAllocations.runId, ids)).groupBy(gpuAllocations.runId);
    expect(both.every((x) => x.n === 1)).toBe(true); // nobody admitted twice
    for (const id of ids) await caller.training.cancel({ org: t.slug, runId: id }).catch(() => {});
  }, 60_000);

  for (const ending of ["completes", "is still running"] as const) {
    it(`a preemption racing its victim as it ${ending}: exactly one terminal or re-queued state`, async () => {
      const t = await createOrgWithAdmin();
      const caller = await callerFor(t.adminId);
      await caller.scheduling.createPool({ org: t.slug, pool: { name: "a100", gpus: 4, executor: "local" } });
      await caller.scheduling.createQueue({ org: t.slug, queue: { name: "main", quotas: [{ pool: "a100", nominal: 4 }], isDefault: true, minRuntimeSeconds: 0 } });
      const seconds = ending === "completes" ? 0.2 : 30;
      const victim = await caller.training.submit({ org: t.slug, job: { name: "victim", command: `python3 -c "import time; time.sleep(${seconds})"`, resources: { gpuCount: 4, cpu: 1, memoryGb: 1 }, maxRetries: 0 } as never });
      const [r1, r2] = [testRunnerOptions(), testRunnerOptions()];
      r2.executors = r1.executors; // two runners over the same machine's jobs
      await runUntil(victim.id, ["RUNNING"], r1);
      if (ending === "completes") await new Promise((r) => setTimeout(r, 1000)); // it has exited; no runner has seen it yet
      const urgent = await caller.training.submit({ org: t.slug, job: { name: "urgent", command: "true", priority: 10, resources: { gpuCount: 4, cpu: 1, memoryGb: 1 }, maxRetries: 0 } as never });
      const db = await getDb();
      await admissionPass(db);
      expect((await db.select().from(runs).where(eq(runs.id, victim.id)))[0].desiredState).toBe("PREEMPT");
      for (let i = 0; i < 60; i++) {
        await db.update(runs).set({ nextCheckAt: new Date(0) }).where(eq(runs.id, victim.id));
        await Promise.all([runOnce(db, r1), runOnce(second.db, r2)]);
        const [row] = await db.select().from(runs).where(eq(runs.id, victim.id));
        if (row.status !== "RUNNING") break;
        await new Promise((r) => setTimeout(r, 100));
      }
      const left = await db.select().from(lifecycleTransitions).where(and(eq(lifecycleTransitions.entityId, victim.id), eq(lifecycleTransitions.fromStatus, "RUNNING")));
      expect(left).toHaveLength(1);
      const [row] = await db.select().from(runs).where(eq(runs.id, victim.id));
      if (ending === "completes") {
        expect(left[0].toStatus).toBe("SUCCEEDED");
        expect(row).toMatchObject({ status: "SUCCEEDED", attempt: 1, preemptions: 0 });
      } else {
        expect(left[0].toStatus).toBe("QUEUED");
        expect(row).toMatchObject({ status: "QUEUED", attempt: 2, preemptions: 1, desiredState: "RUN" });
      }
      await runUntil(urgent.id, ["SUCCEEDED"], r1);
      await caller.training.cancel({ org: t.slug, runId: victim.id }).catch(() => {});
      if (ending !== "completes") await runUntil(victim.id, ["CANCELLED"], r1);
    }, 60_000);
  }
});
