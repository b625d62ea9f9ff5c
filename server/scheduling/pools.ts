import { and, asc, eq, inArray, isNull, sql } from "drizzle-orm";
import type { Db, DbOrTx } from "@/server/db/client";
import { clusters, gpuAllocations, gpuPools, orgBudgets, queueQuotas, queues, runs } from "@/server/db/schema";
import { ConflictError, NotFoundError, ValidationError } from "@/server/errors";
import type { Actor } from "@/server/tenancy/actor";
import { recordAudit } from "@/server/tenancy/audit";
import { wakeRunner } from "@/server/runner/wake";
import type { PoolInput, QueueInput } from "./scheduling-input";

/** GPU pools and queues: what admins configure, and what everyone sees of who holds and waits. */

type PoolRow = typeof gpuPools.$inferSelect;

const sameName = (col: typeof gpuPools.name | typeof queues.name, name: string) => sql`lower(${col}) = lower(${name})`;

export async function listPools(db: DbOrTx, orgId: string) {
  const rows = await db.select({ pool: gpuPools, cluster: clusters.name }).from(gpuPools).leftJoin(clusters, eq(clusters.id, gpuPools.clusterId))
    .where(eq(gpuPools.orgId, orgId)).orderBy(asc(gpuPools.name));
  const holders = await db.select({
    poolId: gpuAllocations.poolId, runId: runs.id, run: runs.name, status: runs.status, desiredState: runs.desiredState,
    queue: queues.name, gpus: gpuAllocations.gpus, since: gpuAllocations.startedAt, borrowing: gpuAllocations.borrowing, priority: runs.priority,
  }).from(gpuAllocations).innerJoin(runs, eq(runs.id, gpuAllocations.runId)).leftJoin(queues, eq(queues.id, gpuAllocations.queueId))
    .where(and(eq(gpuAllocations.orgId, orgId), isNull(gpuAllocations.endedAt))).orderBy(asc(gpuAllocations.startedAt));
  return rows.map(({ pool, cluster }) => {
    const held = holders.filter((h) => h.poolId === pool.id).map(({ poolId: _, desiredState, ...h }) => ({ ...h, preempting: desiredState === "PREEMPT" }));
    return { ...poolView(pool, cluster), inUse: held.reduce((n, h) => n + h.gpus, 0), holders: held };
  });
}

function poolView(p: PoolRow, cluster: string | null) {
  return {
    id: p.id, name: p.name, gpuType: p.gpuType, gpus: p.gpus, costPerGpuHour: p.costPerGpuHour, executor: p.executor, clusterId: p.clusterId,
    runsOn: p.clusterId ? `cluster ${cluster ?? "(deleted)"}` : p.executor === "local" ? "this machine" : "anywhere",
    createdAt: p.createdAt,
  };
}

export async function getPool(db: DbOrTx, orgId: string, id: string) {
  const pool = (await listPools(db, orgId)).find((p) => p.id === id);
  if (!pool) throw new NotFoundError("Pool");
  return pool;
}

/** GPUs held in the pool over the last `hours`, as intervals the chart buckets. */
export async function poolHistory(db: DbOrTx, orgId: string, poolId: string, hours: number) {
  return db.select({ gpus: gpuAllocations.gpus, start: gpuAllocations.startedAt, end: gpuAllocations.endedAt }).from(gpuAllocations)
    .where(and(eq(gpuAllocations.orgId, orgId), eq(gpuAllocations.poolId, poolId),
      sql`coalesce(${gpuAllocations.endedAt}, now()) > now() - make_interval(hours => ${hours})`));
}

async function poolValues(tx: DbOrTx, orgId: string, input: PoolInput) {
  if (input.clusterId) {
    const [cluster] = await tx.select({ id: clusters.id }).from(clusters).where(and(eq(clusters.id, input.clusterId), eq(clusters.orgId, orgId)));
    if (!cluster) throw new NotFoundError("Cluster");
  }
  return { name: input.name, gpuType: input.gpuType || null, gpus: input.gpus, costPerGpuHour: input.costPerGpuHour, executor: input.executor ?? null, clusterId: input.clusterId ?? null };
}

export async function createPool(db: Db, orgId: string, actor: Actor, input: PoolInput) {
  const row = await db.transaction(async (tx) => {
    const [dupe] = await tx.select({ id: gpuPools.id }).from(gpuPools).where(and(eq(gpuPools.orgId, orgId), sameName(gpuPools.name, input.name)));
    if (dupe) throw new ConflictError(`A pool named "${input.name}" already exists`);
    const [created] = await tx.insert(gpuPools).values({ orgId, ...(await poolValues(tx, orgId, input)) }).returning();
    await recordAudit(tx, { orgId, actor, action: "pool.create", targetType: "pool", targetId: created.id, details: { name: created.name, gpus: created.gpus } });
    return created;
  });
  wakeRunner();
  return getPool(db, orgId, row.id);
}

/** Resizing below what is held is allowed: nothing is stopped, new jobs wait until it fits. */
export async function updatePool(db: Db, orgId: string, actor: Actor, id: string, input: PoolInput) {
  await db.transaction(async (tx) => {
    const [row] = await tx.select().from(gpuPools).where(and(eq(gpuPools.id, id), eq(gpuPools.orgId, orgId))).for("update");
    if (!row) throw new NotFoundError("Pool");
    const [dupe] = await tx.select({ id: gpuPools.id }).from(gpuPools).where(and(eq(gpuPools.orgId, orgId), sameName(gpuPools.name, input.name), sql`${gpuPools.id} <> ${id}`));
    if (dupe) throw new ConflictError(`A pool named "${input.name}" already exists`);
    await tx.update(gpuPools).set(await poolValues(tx, orgId, input)).where(eq(gpuPools.id, id));
    await recordAudit(tx, { orgId, actor, action: "pool.update", targetType: "pool", targetId: id, details: { name: input.name, gpus: input.gpus, costPerGpuHour: input.costPerGpuHour } });
  });
  wakeRunner();
  return getPool(db, orgId, id);
}

export async function deletePool(db: Db, orgId: string, actor: Actor, id: string) {
  await db.transaction(async (tx) => {
    const [row] = await tx.select().from(gpuPools).where(and(eq(gpuPools.id, id), eq(gpuPools.orgId, orgId))).for("update");
    if (!row) throw new NotFoundError("Pool");
    const [held] = await tx.select({ n: sql<number>`count(*)::int` }).from(gpuAllocations).where(and(eq(gpuAllocations.poolId, id), isNull(gpuAllocations.endedAt)));
    if (held.n > 0) throw new ConflictError(`Pool "${row.name}" has GPUs in use by ${held.n} job${held.n === 1 ? "" : "s"}; delete it when they have finished`);
    await tx.delete(gpuPools).where(eq(gpuPools.id, id));
    await recordAudit(tx, { orgId, actor, action: "pool.delete", targetType: "pool", targetId: id, details: { name: row.name } });
  });
}

export async function listQueues(db: DbOrTx, orgId: string) {
  const rows = await db.select().from(queues).where(eq(queues.orgId, orgId)).orderBy(asc(queues.name));
  const quotas = await db.select({ queueId: queueQuotas.queueId, poolId: queueQuotas.poolId, pool: gpuPools.name, nominal: queueQuotas.nominal, borrowingLimit: queueQuotas.borrowingLimit })
    .from(queueQuotas).innerJoin(gpuPools, eq(gpuPools.id, queueQuotas.poolId)).where(eq(queueQuotas.orgId, orgId)).orderBy(asc(gpuPools.name));
  const used = await db.select({ queueId: gpuAllocations.queueId, poolId: gpuAllocations.poolId, gpus: sql<number>`sum(${gpuAllocations.gpus})::int`, jobs: sql<number>`count(*)::int` })
    .from(gpuAllocations).where(and(eq(gpuAllocations.orgId, orgId), isNull(gpuAllocations.endedAt))).groupBy(gpuAllocations.queueId, gpuAllocations.poolId);
  const waiting = await db.select({ queueId: runs.queueId, runId: runs.id, name: runs.name, gpus: runs.gpus, priority: runs.priority, position: runs.queuePosition, reason: runs.pendingReason, createdAt: runs.createdAt })
    .from(runs).where(and(eq(runs.orgId, orgId), eq(runs.status, "QUEUED"), sql`${runs.queueId} is not null`, sql`${runs.gpus} > 0`,
      sql`not exists (select 1 from gpu_allocations a where a.run_id = ${runs.id} and a.ended_at is null)`))
    .orderBy(sql`${runs.queuePosition} nulls last`, sql`${runs.priority} desc`, asc(runs.seq));
  return rows.map((q) => ({
    id: q.id, name: q.name, cohort: q.cohort, weight: q.weight, minRuntimeSeconds: q.minRuntimeSeconds, isDefault: q.isDefault, createdAt: q.createdAt,
    quotas: quotas.filter((x) => x.queueId === q.id).map(({ queueId: _, ...x }) => {
      const u = used.find((y) => y.queueId === q.id && y.poolId === x.poolId);
      return { ...x, inUse: u?.gpus ?? 0, jobs: u?.jobs ?? 0 };
    }),
    waiting: waiting.filter((w) => w.queueId === q.id).map(({ queueId: _, ...w }) => w),
  }));
}

export async function getQueue(db: DbOrTx, orgId: string, id: string) {
  const queue = (await listQueues(db, orgId)).find((q) => q.id === id);
  if (!queue) throw new NotFoundError("Queue");
  return queue;
}

/** The queue a GPU job waits in: the one named, else the organization's default; none = not scheduled. */
export async function resolveQueue(tx: DbOrTx, orgId: string, name: string | undefined): Promise<string | null> {
  if (name) {
    // Share-locked: a queue being deleted waits for this job, or the job sees it gone.
    const [q] = await tx.select({ id: queues.id }).from(queues).where(and(eq(queues.orgId, orgId), sameName(queues.name, name))).for("share");
    if (!q) throw new ValidationError(`No queue named "${name}" in this organization (Settings → GPU pools & budget lists them)`);
    return q.id;
  }
  const [fallback] = await tx.select({ id: queues.id }).from(queues).where(and(eq(queues.orgId, orgId), eq(queues.isDefault, true))).for("share");
  return fallback?.id ?? null;
}

async function writeQueue(tx: DbOrTx, orgId: string, id: string | null, input: QueueInput): Promise<string> {
  const pools = input.quotas.length === 0 ? [] : await tx.select({ id: gpuPools.id, name: gpuPools.name }).from(gpuPools)
    .where(and(eq(gpuPools.orgId, orgId), inArray(sql`lower(${gpuPools.name})`, input.quotas.map((x) => x.pool.toLowerCase()))));
  const poolId = (name: string) => {
    const p = pools.find((x) => x.name.toLowerCase() === name.toLowerCase());
    if (!p) throw new ValidationError(`No pool named "${name}" (create it first)`);
    return p.id;
  };
  const quotaRows = input.quotas.map((x) => ({ poolId: poolId(x.pool), nominal: x.nominal, borrowingLimit: x.borrowingLimit ?? null }));
  if (new Set(quotaRows.map((x) => x.poolId)).size !== quotaRows.length) throw new ValidationError("One quota per pool");
  const [dupe] = await tx.select({ id: queues.id }).from(queues).where(and(eq(queues.orgId, orgId), sameName(queues.name, input.name), id ? sql`${queues.id} <> ${id}` : undefined));
  if (dupe) throw new ConflictError(`A queue named "${input.name}" already exists`);
  if (input.isDefault) await tx.update(queues).set({ isDefault: false }).where(and(eq(queues.orgId, orgId), eq(queues.isDefault, true)));
  const values = { name: input.name, cohort: input.cohort || null, weight: input.weight, minRuntimeSeconds: input.minRuntimeSeconds, isDefault: input.isDefault };
  const queueId = id ?? (await tx.insert(queues).values({ orgId, ...values }).returning({ id: queues.id }))[0].id;
  if (id) await tx.update(queues).set(values).where(eq(queues.id, id));
  await tx.delete(queueQuotas).where(eq(queueQuotas.queueId, queueId));
  if (quotaRows.length > 0) await tx.insert(queueQuotas).values(quotaRows.map((x) => ({ ...x, queueId, orgId })));
  return queueId;
}

export async function createQueue(db: Db, orgId: string, actor: Actor, input: QueueInput) {
  const id = await db.transaction(async (tx) => {
    const queueId = await writeQueue(tx, orgId, null, input);
    await recordAudit(tx, { orgId, actor, action: "queue.create", targetType: "queue", targetId: queueId, details: { name: input.name, quotas: input.quotas } });
    return queueId;
  });
  wakeRunner();
  return getQueue(db, orgId, id);
}

export async function updateQueue(db: Db, orgId: string, actor: Actor, id: string, input: QueueInput) {
  await db.transaction(async (tx) => {
    const [row] = await tx.select({ id: queues.id }).from(queues).where(and(eq(queues.id, id), eq(queues.orgId, orgId))).for("update");
    if (!row) throw new NotFoundError("Queue");
    await writeQueue(tx, orgId, id, input);
    await recordAudit(tx, { orgId, actor, action: "queue.update", targetType: "queue", targetId: id, details: { name: input.name, quotas: input.quotas } });
  });
  wakeRunner();
  return getQueue(db, orgId, id);
}

export async function deleteQueue(db: Db, orgId: string, actor: Actor, id: string) {
  await db.transaction(async (tx) => {
    const [row] = await tx.select().from(queues).where(and(eq(queues.id, id), eq(queues.orgId, orgId))).for("update");
    if (!row) throw new NotFoundError("Queue");
    const [busy] = await tx.select({ n: sql<number>`count(*)::int` }).from(runs)
      .where(and(eq(runs.queueId, id), sql`${runs.status} in ('QUEUED','STARTING','RUNNING')`));
    if (busy.n > 0) throw new ConflictError(`Queue "${row.name}" has ${busy.n} job${busy.n === 1 ? "" : "s"} waiting or running; delete it when they have finished`);
    await tx.delete(queues).where(eq(queues.id, id));
    await recordAudit(tx, { orgId, actor, action: "queue.delete", targetType: "queue", targetId: id, details: { name: row.name } });
  });
}

export async function setBudget(db: Db, orgId: string, actor: Actor, monthlyLimit: number | null) {
  await db.transaction(async (tx) => {
    if (monthlyLimit === null) await tx.delete(orgBudgets).where(eq(orgBudgets.orgId, orgId));
    else {
      await tx.insert(orgBudgets).values({ orgId, monthlyLimit, updatedBy: actor.kind === "user" ? actor.userId : null })
        .onConflictDoUpdate({ target: orgBudgets.orgId, set: { monthlyLimit, updatedBy: actor.kind === "user" ? actor.userId : null, updatedAt: sql`now()` } });
    }
    await recordAudit(tx, { orgId, actor, action: "budget.set", targetType: "organization", targetId: orgId, details: { monthlyLimit } });
  });
  wakeRunner();
}
