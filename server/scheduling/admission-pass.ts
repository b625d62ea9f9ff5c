import { and, eq, inArray, isNull, sql } from "drizzle-orm";
import type { Db, DbOrTx } from "@/server/db/client";
import { gpuAllocations, gpuPools, queueQuotas, queues, runs } from "@/server/db/schema";
import { runLifecycle } from "@/server/runner/run-lifecycle";
import { systemActor } from "@/server/tenancy/actor";
import { recordAudit } from "@/server/tenancy/audit";
import { admitQueuedRuns, type AdmittedJob, type Decision, type PendingJob, type Pool, type Queue } from "./admission";
import { releaseEndedRuns } from "./allocations";
import { budgetSentence, budgetsOf } from "./costs";

/**
 * The runner's side of admission: read a snapshot of pools, queues, held GPUs and waiting jobs,
 * let the pure function decide, and write its decisions — all under one advisory lock, so two
 * runners never admit against the same free GPUs. Runs wait for their allocation row; a
 * preemption is a desired state the victim's runner acts on through the run lifecycle.
 */
export const ADMISSION_LOCK = 7_304_112_010;

export interface PassResult { pending: number; admitted: number; preempted: number; waiting: number }

// Not a run still in its retry backoff (or waiting for its checkpoint copy): it is admitted
// once due, rather than holding, and paying for, GPUs it cannot use yet.
const waitingRuns = and(eq(runs.status, "QUEUED"), sql`${runs.queueId} is not null`, sql`${runs.gpus} > 0`, eq(runs.desiredState, "RUN"),
  sql`(${runs.nextCheckAt} is null or ${runs.nextCheckAt} <= now())`,
  sql`not exists (select 1 from gpu_allocations a where a.run_id = ${runs.id} and a.ended_at is null)`);

export async function admissionPass(db: Db, now: Date = new Date()): Promise<PassResult> {
  const none = { pending: 0, admitted: 0, preempted: 0, waiting: 0 };
  // Nothing waits most of the time: say so without taking the lock.
  const [{ any }] = await db.select({ any: sql<boolean>`exists (select 1 from ${runs} where ${waitingRuns})` }).from(sql`(select 1) one`);
  if (!any) return none;
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${ADMISSION_LOCK})`);
    await releaseEndedRuns(tx);
    const pendingRows = await tx.select({
      id: runs.id, orgId: runs.orgId, queueId: runs.queueId, gpus: runs.gpus, priority: runs.priority, seq: runs.seq,
      gpuType: sql<string | null>`nullif(${runs.resources}->>'gpuType', '')`, executor: runs.executor, clusterId: runs.clusterId,
    }).from(runs).where(waitingRuns);
    if (pendingRows.length === 0) return none;
    const orgIds = [...new Set(pendingRows.map((r) => r.orgId))];
    const snapshot = await loadSnapshot(tx, orgIds, now);
    const budgets = await budgetsOf(tx, orgIds);
    const pending: PendingJob[] = pendingRows.map((r) => {
      const budget = budgets.get(r.orgId);
      return {
        runId: r.id, queueId: r.queueId!, gpus: r.gpus, priority: r.priority, seq: r.seq,
        gpuType: r.gpuType, target: targetOf(r),
        ...(budget?.state === "spent" ? { blockedBy: `Waiting: ${budgetSentence(budget)}` } : {}),
      };
    });
    const decisions = admitQueuedRuns({ ...snapshot, now: now.getTime(), pending });
    const preemptors = [...new Set(decisions.flatMap((d) => (d.kind === "preempt" ? [d.by] : [])))];
    const names = new Map(preemptors.length === 0 ? [] : (await tx.select({ id: runs.id, name: runs.name }).from(runs).where(inArray(runs.id, preemptors))).map((r) => [r.id, r.name]));
    const admitted = await applyAdmissions(tx, decisions, snapshot.pools, snapshot.queues);
    const preempted = await applyPreemptions(tx, decisions, names, snapshot.orgOf);
    const waiting = await applyWaits(tx, decisions);
    return { pending: pendingRows.length, admitted, preempted, waiting };
  });
}

/** Where a run goes, in the terms pools are bound with. */
export function targetOf(r: { executor: string; clusterId: string | null }): string {
  return r.clusterId ? `cluster:${r.clusterId}` : `executor:${r.executor}`;
}

interface PoolRow extends Pool { orgId: string; costPerGpuHour: number }
interface QueueRow extends Queue { orgId: string }

async function loadSnapshot(tx: DbOrTx, orgIds: string[], now: Date) {
  const poolRows = await tx.select().from(gpuPools).where(inArray(gpuPools.orgId, orgIds));
  const pools: PoolRow[] = poolRows.map((p) => ({
    id: p.id, orgId: p.orgId, name: p.name, gpuType: p.gpuType, gpus: p.gpus, costPerGpuHour: p.costPerGpuHour,
    target: p.clusterId ? `cluster:${p.clusterId}` : p.executor ? `executor:${p.executor}` : null,
  }));
  const queueRows = await tx.select().from(queues).where(inArray(queues.orgId, orgIds));
  const quotaRows = await tx.select().from(queueQuotas).where(inArray(queueQuotas.orgId, orgIds));
  const queueList: QueueRow[] = queueRows.map((q) => ({
    id: q.id, orgId: q.orgId, name: q.name, cohort: q.cohort ? `${q.orgId}/${q.cohort}` : null, weight: q.weight,
    quotas: quotaRows.filter((x) => x.queueId === q.id).map((x) => ({ poolId: x.poolId, nominal: x.nominal, borrowingLimit: x.borrowingLimit })),
  }));
  const held = await tx.select({
    runId: runs.id, orgId: gpuAllocations.orgId, name: runs.name, queueId: gpuAllocations.queueId, poolId: gpuAllocations.poolId, gpus: gpuAllocations.gpus,
    priority: runs.priority, startedAt: gpuAllocations.startedAt, desiredState: runs.desiredState, minRuntime: queues.minRuntimeSeconds,
  }).from(gpuAllocations).innerJoin(runs, eq(runs.id, gpuAllocations.runId)).leftJoin(queues, eq(queues.id, gpuAllocations.queueId))
    .where(and(inArray(gpuAllocations.orgId, orgIds), isNull(gpuAllocations.endedAt)));
  const admitted: AdmittedJob[] = held.filter((h) => h.poolId && h.queueId).map((h) => ({
    runId: h.runId, name: h.name, queueId: h.queueId!, poolId: h.poolId!, gpus: h.gpus, priority: h.priority,
    admittedAt: h.startedAt.getTime(), protectedUntil: h.startedAt.getTime() + (h.minRuntime ?? 0) * 1000,
    preempting: h.desiredState === "PREEMPT",
  }));
  // GPUs held in a pool by a run whose queue was deleted still take room in the pool.
  for (const h of held) if (h.poolId && !h.queueId) admitted.push({ runId: h.runId, name: h.name, queueId: "", poolId: h.poolId, gpus: h.gpus, priority: h.priority, admittedAt: 0, protectedUntil: Infinity });
  return { now: now.getTime(), pools, queues: queueList, admitted, orgOf: new Map(held.map((h) => [h.runId, h.orgId])) };
}

async function applyAdmissions(tx: DbOrTx, decisions: Decision[], pools: PoolRow[], queueList: QueueRow[]): Promise<number> {
  const admits = decisions.filter((d): d is Extract<Decision, { kind: "admit" }> => d.kind === "admit" && d.poolId !== null);
  if (admits.length === 0) return 0;
  // Locked and re-checked: a cancel that landed since the snapshot wins, and no GPUs leak to it.
  const still = await tx.select({ id: runs.id, orgId: runs.orgId, projectId: runs.projectId, attempt: runs.attempt, queueId: runs.queueId, gpus: runs.gpus })
    .from(runs).where(and(inArray(runs.id, admits.map((a) => a.runId)), eq(runs.status, "QUEUED"), eq(runs.desiredState, "RUN"))).for("update");
  if (still.length === 0) return 0;
  const byId = new Map(admits.map((a) => [a.runId, a]));
  const price = new Map(pools.map((p) => [p.id, p.costPerGpuHour]));
  await tx.insert(gpuAllocations).values(still.map((r) => {
    const a = byId.get(r.id)!;
    return { orgId: r.orgId, runId: r.id, projectId: r.projectId, attempt: r.attempt, queueId: r.queueId, poolId: a.poolId, gpus: r.gpus, costPerGpuHour: price.get(a.poolId!) ?? 0, borrowing: a.borrowing };
  })).onConflictDoNothing();
  const poolName = new Map(pools.map((p) => [p.id, p.name]));
  const queueName = new Map(queueList.map((q) => [q.id, q.name]));
  for (const r of still) {
    const a = byId.get(r.id)!;
    await tx.update(runs).set({
      queuePosition: null, nextCheckAt: sql`now()`,
      pendingReason: null,
      statusMessage: `Admitted to pool ${poolName.get(a.poolId!)} by queue ${queueName.get(r.queueId!)}${a.borrowing ? " (borrowing idle quota from its cohort)" : ""}`,
    }).where(eq(runs.id, r.id));
  }
  return still.length;
}

async function applyPreemptions(tx: DbOrTx, decisions: Decision[], names: Map<string, string>, orgOf: Map<string, string>): Promise<number> {
  let n = 0;
  for (const d of decisions) {
    if (d.kind !== "preempt") continue;
    const by = names.get(d.by) ?? d.by;
    const row = await runLifecycle.requestChange(tx, { id: d.runId, orgId: orgOf.get(d.runId)! }, {
      desiredState: "PREEMPT", preemptedBy: d.by, statusMessage: `Preempted by "${by}": ${d.reason}`,
    }, eq(runs.desiredState, "RUN"));
    if (!row) continue;
    n++;
    await recordAudit(tx, { orgId: row.orgId, actor: systemActor("scheduler"), action: "run.preempt", targetType: "run", targetId: row.id, details: { by: d.by, reason: d.reason } });
  }
  return n;
}

/** Positions and reasons, written only where they changed: one statement however many wait. */
async function applyWaits(tx: DbOrTx, decisions: Decision[]): Promise<number> {
  const waits = decisions.filter((d): d is Extract<Decision, { kind: "wait" }> => d.kind === "wait");
  if (waits.length === 0) return 0;
  await tx.execute(sql`update runs set queue_position = v.pos, pending_reason = v.reason
    from (select unnest(${`{${waits.map((w) => w.runId).join(",")}}`}::uuid[]) as id,
                 unnest(${`{${waits.map((w) => w.position).join(",")}}`}::int[]) as pos,
                 jsonb_array_elements_text(${JSON.stringify(waits.map((w) => w.reason))}::jsonb) as reason) v
    where runs.id = v.id and (runs.queue_position is distinct from v.pos or runs.pending_reason is distinct from v.reason)`);
  return waits.length;
}
