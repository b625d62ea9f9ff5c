import { Readable } from "node:stream";
import { and, eq, isNull, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb } from "@/server/db/client";
import { gpuAllocations, runs } from "@/server/db/schema";
import { runOnce } from "@/server/runner/runner";
import { getObjectStore } from "@/server/storage";
import { systemActor } from "@/server/tenancy/actor";
import { uploadArtifact } from "@/server/tracking/artifacts";
import { purgeDeleted, setRunDeleted } from "@/server/tracking/retention";
import { admissionPass } from "@/server/scheduling/admission-pass";
import * as budgetRoute from "@/app/api/v1/budget/route";
import * as costsRoute from "@/app/api/v1/costs/route";
import * as poolsRoute from "@/app/api/v1/pools/route";
import * as queueOne from "@/app/api/v1/queues/[id]/route";
import * as queuesRoute from "@/app/api/v1/queues/route";
import * as jobOne from "@/app/api/v1/train/jobs/[id]/route";
import * as jobsRoute from "@/app/api/v1/train/jobs/route";
import { apiKeyFor, callerFor, createOrgWithAdmin, type TestOrg } from "../helpers/fixtures";
import { call, type RouteHandler } from "../helpers/rest";
import { runUntil, testRunnerOptions } from "../helpers/runner";

/** GPU pools and queues end to end: admission, cohort borrowing, preemption with reasons, budgets. */

const sleeper = (seconds: number) => `python3 -c "import time; time.sleep(${seconds})"`;

async function labWithPool(t: TestOrg, extra: { minRuntimeSeconds?: number; cost?: number } = {}) {
  const caller = await callerFor(t.adminId);
  const pool = await caller.scheduling.createPool({ org: t.slug, pool: { name: "a100", gpuType: "A100", gpus: 8, costPerGpuHour: extra.cost ?? 2.5, executor: "local" } });
  const research = await caller.scheduling.createQueue({ org: t.slug, queue: { name: "research", cohort: "lab", quotas: [{ pool: "a100", nominal: 4 }], minRuntimeSeconds: extra.minRuntimeSeconds ?? 0, isDefault: true } });
  const prod = await caller.scheduling.createQueue({ org: t.slug, queue: { name: "prod", cohort: "lab", quotas: [{ pool: "a100", nominal: 4 }], minRuntimeSeconds: 0, isDefault: false } });
  return { caller, pool, research, prod };
}

const submit = (caller: Awaited<ReturnType<typeof callerFor>>, t: TestOrg, name: string, gpus: number, more: Record<string, unknown> = {}) =>
  caller.training.submit({ org: t.slug, job: { name, command: sleeper(30), resources: { gpuCount: gpus, gpuType: "A100", cpu: 1, memoryGb: 1 }, maxRetries: 0, ...more } as never });

const row = async (id: string) => (await (await getDb()).select().from(runs).where(eq(runs.id, id)))[0];
const open = async (runId: string) => (await getDb()).select().from(gpuAllocations).where(and(eq(gpuAllocations.runId, runId), isNull(gpuAllocations.endedAt)));

describe("GPU scheduling", () => {
  it("a low-priority borrower is preempted by a high-priority job reclaiming its queue's quota; both say why", async () => {
    const t = await createOrgWithAdmin();
    const { caller } = await labWithPool(t);
    const opts = testRunnerOptions();
    const low = await submit(caller, t, "low", 8);
    const running = await runUntil(low.id, ["RUNNING"], opts);
    expect(running.statusMessage).toBeNull();
    expect(await open(low.id)).toMatchObject([{ gpus: 8, borrowing: true, costPerGpuHour: 2.5 }]);
    const db = await getDb();
    await uploadArtifact(db, getObjectStore(), { id: low.id, orgId: t.orgId }, systemActor("test"), { path: "checkpoints/epoch-0010.json", contentType: "application/json", body: Readable.from([Buffer.from("{}")]) });

    const high = await submit(caller, t, "high", 4, { queue: "prod", priority: 100 });
    await runOnce(db, opts);
    const victim = await row(low.id);
    expect(victim.desiredState).toBe("PREEMPT");
    expect(victim.statusMessage).toBe('Preempted by "high": its queue research was borrowing from queue prod, which needs its quota back');
    const waiting = await caller.training.scheduling({ org: t.slug, runId: high.id });
    expect(waiting).toMatchObject({ queue: "prod", position: 1, pendingReason: "preempting 1 job in pool a100; starts when they have stopped" });

    const started = await runUntil(high.id, ["RUNNING"], opts);
    expect(started.attempt).toBe(1);
    const requeued = await row(low.id);
    expect(requeued).toMatchObject({ status: "QUEUED", attempt: 2, preemptions: 1, desiredState: "RUN", preemptedBy: high.id });
    expect(requeued.statusMessage).toContain('Attempt 1 was preempted by "high"');
    expect((requeued.executorSpec as { env: Record<string, string> }).env.ANVIL_RESUME_FROM).toBe("checkpoints/epoch-0010.json");
    expect(await open(low.id)).toEqual([]);
    await runOnce(db, opts);
    const lowView = { scheduling: await caller.training.scheduling({ org: t.slug, runId: low.id }) };
    expect(lowView.scheduling).toMatchObject({ queue: "research", position: 1, preemptedBy: { id: high.id, name: "high" }, preemptions: 1 });
    expect(lowView.scheduling?.pendingReason).toBe("needs 8 GPUs of pool a100: queue research has 4 of its 4 free and 0 idle to borrow in its cohort");
    expect(lowView.scheduling?.gpuHours).toBeGreaterThan(0);

    // The preemptor finishing (here: cancelled) gives the GPUs back; the victim runs again.
    await caller.training.cancel({ org: t.slug, runId: high.id });
    await runUntil(high.id, ["CANCELLED"], opts);
    const again = await runUntil(low.id, ["RUNNING"], opts);
    expect(again.attempt).toBe(2);
    await caller.training.cancel({ org: t.slug, runId: low.id });
    await runUntil(low.id, ["CANCELLED"], opts);
    expect(await open(low.id)).toEqual([]);
    const audit = await db.execute(sql`select details from audit_log where org_id = ${t.orgId} and action = 'run.preempt'`);
    expect(audit).toHaveLength(1);
  }, 60_000);

  it("a job inside its queue's minimum runtime is not preempted; the waiting job says why", async () => {
    const t = await createOrgWithAdmin();
    const { caller } = await labWithPool(t, { minRuntimeSeconds: 3600 });
    const opts = testRunnerOptions();
    const low = await submit(caller, t, "low", 8);
    await runUntil(low.id, ["RUNNING"], opts);
    const high = await submit(caller, t, "high", 4, { queue: "prod", priority: 100 });
    await runOnce(await getDb(), opts);
    expect((await row(low.id)).desiredState).toBe("RUN");
    expect(await caller.training.scheduling({ org: t.slug, runId: high.id })).toMatchObject({ position: 1, pendingReason: "pool a100 is full: 8/8 GPUs in use" });
    for (const id of [low.id, high.id]) await caller.training.cancel({ org: t.slug, runId: id });
    await runUntil(low.id, ["CANCELLED"], opts);
  }, 60_000);

  it("a spent budget refuses new GPU jobs with the reason, holds queued ones, and warns from 80 %", async () => {
    const t = await createOrgWithAdmin();
    const { caller } = await labWithPool(t, { cost: 3600 });
    const queued = await submit(caller, t, "queued-before", 2);
    await caller.scheduling.setBudget({ org: t.slug, monthlyLimit: 0 });
    await expect(submit(caller, t, "over", 2)).rejects.toMatchObject({ code: "FORBIDDEN", message: expect.stringMatching(/^Not submitted: the organization's budget for \w+ \d{4} is spent \(\$0\.00 of \$0\.00\)/) });
    await runOnce(await getDb(), testRunnerOptions());
    const held = { status: (await row(queued.id)).status, scheduling: await caller.training.scheduling({ org: t.slug, runId: queued.id }) };
    expect(held.status).toBe("QUEUED");
    expect(held.scheduling?.pendingReason).toMatch(/^Waiting: the organization's budget for .* is spent/);
    // Jobs without GPUs cost nothing here and are not held.
    await expect(caller.training.submit({ org: t.slug, job: { name: "cpu", command: "true" } as never })).resolves.toMatchObject({ status: "QUEUED" });

    await caller.scheduling.setBudget({ org: t.slug, monthlyLimit: 1000 });
    const opts = testRunnerOptions();
    await runUntil(queued.id, ["RUNNING"], opts);
    // 2 GPUs at $3,600 per GPU-hour cost $2 a second: a $5 budget is past 80 % within ~2 s.
    await caller.scheduling.setBudget({ org: t.slug, monthlyLimit: 5 });
    await new Promise((r) => setTimeout(r, 2200));
    const { budget } = await caller.scheduling.costs({ org: t.slug, days: 1 });
    expect(budget?.state === "warn" || budget?.state === "spent").toBe(true);
    expect(budget!.spent).toBeGreaterThan(4);
    await caller.training.cancel({ org: t.slug, runId: queued.id });
    await runUntil(queued.id, ["CANCELLED"], opts);
    const { report } = await caller.scheduling.costs({ org: t.slug, days: 1 });
    expect(report.runs).toMatchObject([{ name: "queued-before" }]);
    expect(report.total.gpuHours).toBeCloseTo(report.days.at(-1)!.gpuHours, 6);
    expect(report.total.cost).toBeGreaterThan(4);
  }, 60_000);

  it("refuses a queue that does not exist, a queue for a job without GPUs, and bad pool settings, with 4xx", async () => {
    const t = await createOrgWithAdmin();
    const { caller } = await labWithPool(t);
    await expect(submit(caller, t, "x", 2, { queue: "nope" })).rejects.toMatchObject({ code: "BAD_REQUEST", message: expect.stringContaining('No queue named "nope"') });
    await expect(submit(caller, t, "x", 0, { queue: "prod" })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(caller.scheduling.createPool({ org: t.slug, pool: { name: "A100", gpus: 4 } as never })).rejects.toMatchObject({ code: "CONFLICT" });
    await expect(caller.scheduling.createQueue({ org: t.slug, queue: { name: "q", quotas: [{ pool: "h100", nominal: 1 }] } as never })).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });

  it("the REST API: pools and queues with API keys, the queue position and pending reason on the job, 402 over budget", async () => {
    const t = await createOrgWithAdmin();
    const admin = await apiKeyFor(t, "admin");
    const user = await apiKeyFor(t, "user");
    const rest = (h: unknown, token: string, opts: { method?: string; body?: unknown; params?: Record<string, string>; url?: string } = {}) =>
      call(h as RouteHandler, { token, method: opts.method ?? "GET", body: opts.body, params: opts.params ?? {}, url: opts.url });
    expect((await rest(poolsRoute.POST, user, { method: "POST", body: { name: "a100", gpus: 2 } })).status).toBe(403);
    expect((await rest(poolsRoute.POST, admin, { method: "POST", body: { name: "a100", gpus: 0 } })).status).toBe(400);
    expect((await rest(poolsRoute.POST, admin, { method: "POST", body: { name: "a100", gpus: 2, costPerGpuHour: 1 } })).status).toBe(201);
    const created = await rest(queuesRoute.POST, admin, { method: "POST", body: { name: "main", quotas: [{ pool: "a100", nominal: 2 }], isDefault: true } });
    expect(created.status).toBe(201);
    const queue = (await created.json()) as { id: string };
    // Commands on this machine take an admin (templates would do for a user, but run too briefly here).
    const submit = (name: string) => rest(jobsRoute.POST, admin, { method: "POST", body: { name, entrypoint: "sleep 30", resources: { gpuCount: 2 } } });
    const first = (await (await submit("first")).json()) as { id: string };
    const second = (await (await submit("second")).json()) as { id: string };
    const opts = testRunnerOptions();
    await runUntil(first.id, ["RUNNING"], opts);
    await runOnce(await getDb(), opts);
    const job = (await (await rest(jobOne.GET, user, { params: { id: second.id } })).json()) as { status: string; scheduling: Record<string, unknown> };
    expect(job).toMatchObject({ status: "QUEUED", scheduling: { queue: "main", position: 1, pendingReason: "quota for pool a100 exhausted: 2/2 GPUs in use by 1 job of queue main" } });
    const listed = (await (await rest(queueOne.GET, user, { params: { id: queue.id } })).json()) as { waiting: Array<{ name: string; position: number }> };
    expect(listed.waiting).toMatchObject([{ name: "second", position: 1 }]);
    expect((await rest(budgetRoute.PUT, admin, { method: "PUT", body: { monthlyLimit: 0 } })).status).toBe(200);
    const refused = await submit("third");
    expect(refused.status).toBe(402);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(/^Not submitted: the organization's budget/);
    const costs = (await (await rest(costsRoute.GET, user, { url: "http://x/api/v1/costs?days=7" })).json()) as { days: unknown[]; runs: Array<{ name: string }> };
    expect(costs.days).toHaveLength(7);
    expect(costs.runs.map((r) => r.name)).toEqual(["first"]);
    for (const id of [first.id, second.id]) expect((await rest(jobOne.DELETE, user, { method: "DELETE", params: { id } })).status).toBe(202);
    await runUntil(first.id, ["CANCELLED"], opts);
  }, 60_000);

  it("a run in its retry backoff is not admitted before it is due; a purged run's spend stays spent", async () => {
    const t = await createOrgWithAdmin();
    const { caller } = await labWithPool(t, { cost: 3600 });
    const db = await getDb();
    const later = await submit(caller, t, "backing-off", 2);
    await db.update(runs).set({ nextCheckAt: sql`now() + interval '1 hour'` }).where(eq(runs.id, later.id));
    await admissionPass(db);
    expect(await open(later.id)).toEqual([]);
    await db.update(runs).set({ nextCheckAt: sql`now()` }).where(eq(runs.id, later.id));
    await admissionPass(db);
    expect(await open(later.id)).toHaveLength(1);

    const opts = testRunnerOptions();
    await runUntil(later.id, ["RUNNING"], opts);
    await new Promise((r) => setTimeout(r, 500));
    await caller.training.cancel({ org: t.slug, runId: later.id });
    await runUntil(later.id, ["CANCELLED"], opts);
    const before = (await caller.scheduling.costs({ org: t.slug, days: 1 })).report.total.cost;
    expect(before).toBeGreaterThan(0.5);
    await setRunDeleted(db, t.orgId, later.id, systemActor("test"), true);
    await db.update(runs).set({ deletedAt: sql`now() - interval '2 hours'` }).where(eq(runs.id, later.id));
    expect((await purgeDeleted(db, getObjectStore(), { purgeAfterHours: 1 })).runs).toBeGreaterThanOrEqual(1);
    const after = await caller.scheduling.costs({ org: t.slug, days: 1 });
    expect(after.report.total.cost).toBeCloseTo(before, 6);
    expect(after.report.runs).toMatchObject([{ runId: null, name: "(a purged job)" }]);
    expect((await caller.scheduling.overview({ org: t.slug })).budget).toBeNull();
  }, 60_000);
});
