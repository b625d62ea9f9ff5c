import { and, asc, desc, eq, inArray, isNull, lt, sql } from "drizzle-orm";
import type { DbOrTx } from "@/server/db/client";
import { clusters, experiments, lifecycleTransitions, projects, runParams, runs, runTags, users } from "@/server/db/schema";
import { ConflictError, NotFoundError } from "@/server/errors";
import type { Actor } from "@/server/tenancy/actor";
import { recordAudit } from "@/server/tenancy/audit";
import type { RunStatus } from "@/server/runner/run-lifecycle";
import { listArtifacts } from "./artifacts";
import { latestMetricValues } from "./metrics";

export interface RunListFilter { status?: RunStatus; projectId?: string; before?: number; limit: number }

/** Not deleted, and not in a deleted experiment: what lists and counts show. */
const visibleRuns = [isNull(runs.deletedAt), sql`not exists (select 1 from ${experiments} e where e.id = ${runs.experimentId} and e.deleted_at is not null)`];

/** Newest first, keyset-paginated on seq. */
export async function listRuns(db: DbOrTx, orgId: string, filter: RunListFilter) {
  // Deleted runs, and runs of deleted experiments, are hidden until restored.
  const where = [eq(runs.orgId, orgId), ...visibleRuns];
  if (filter.status) where.push(eq(runs.status, filter.status));
  if (filter.projectId) where.push(eq(runs.projectId, filter.projectId));
  if (filter.before) where.push(lt(runs.seq, filter.before));
  const rows = await db
    .select({
      id: runs.id, seq: runs.seq, name: runs.name, type: runs.type, status: sql<RunStatus>`${runs.status}`, desiredState: runs.desiredState,
      template: runs.template, executor: runs.executor, statusMessage: runs.statusMessage, exitCode: runs.exitCode,
      pendingReason: runs.pendingReason, queuePosition: runs.queuePosition, gpus: runs.gpus,
      createdAt: runs.createdAt, startedAt: runs.startedAt, finishedAt: runs.finishedAt,
      projectName: projects.name, createdByEmail: users.email, clusterName: clusters.name, sweepId: runs.sweepId,
    })
    .from(runs)
    .innerJoin(projects, eq(projects.id, runs.projectId))
    .leftJoin(users, eq(users.id, runs.createdBy))
    .leftJoin(clusters, eq(clusters.id, runs.clusterId))
    .where(and(...where))
    .orderBy(desc(runs.seq))
    .limit(filter.limit + 1);
  return { items: rows.slice(0, filter.limit), nextBefore: rows.length > filter.limit ? rows[filter.limit - 1].seq : null };
}

export async function getRunRow(db: DbOrTx, orgId: string, runId: string) {
  const [run] = await db.select().from(runs).where(and(eq(runs.orgId, orgId), eq(runs.id, runId)));
  if (!run) throw new NotFoundError("Run");
  return run;
}

/** Everything the run page shows, in one call. */
export async function getRunDetail(db: DbOrTx, orgId: string, runId: string) {
  const run = await getRunRow(db, orgId, runId);
  const [params, tags, transitions, files, latest, project] = await Promise.all([
    db.select({ key: runParams.key, value: runParams.value }).from(runParams).where(eq(runParams.runId, runId)).orderBy(asc(runParams.key)),
    db.select({ key: runTags.key, value: runTags.value }).from(runTags).where(eq(runTags.runId, runId)).orderBy(asc(runTags.key)),
    db.select().from(lifecycleTransitions)
      .where(and(eq(lifecycleTransitions.lifecycle, "run"), eq(lifecycleTransitions.entityId, runId), eq(lifecycleTransitions.orgId, orgId)))
      .orderBy(asc(lifecycleTransitions.version)),
    listArtifacts(db, orgId, runId),
    latestMetricValues(db, orgId, runId),
    db.select({ id: projects.id, name: projects.name }).from(projects).where(eq(projects.id, run.projectId)),
  ]);
  const spec = run.executorSpec as { command?: string; distributed?: unknown; pip?: string[]; cwd?: string; resumeFrom?: { runId: string; path: string } };
  const [cluster] = run.clusterId ? await db.select({ id: clusters.id, name: clusters.name, kind: clusters.kind, address: clusters.address }).from(clusters).where(eq(clusters.id, run.clusterId)) : [];
  return {
    id: run.id, name: run.name, type: run.type, experimentId: run.experimentId, deletedAt: run.deletedAt, heartbeatAt: run.heartbeatAt, status: run.status as RunStatus, desiredState: run.desiredState, executor: run.executor,
    template: run.template, command: spec.command ?? null, resources: run.resources, cluster: cluster ?? null, sweepId: run.sweepId,
    distributed: spec.distributed ?? null, pip: spec.pip ?? [], workingDir: spec.cwd ?? null, resumeFrom: spec.resumeFrom ?? null, attempt: run.attempt, remoteId: run.remoteId,
    exitCode: run.exitCode, exitSignal: run.exitSignal, cancelledBy: run.cancelledBy, statusMessage: run.statusMessage,
    maxRetries: run.maxRetries, retryOnFailure: run.retryOnFailure, remoteState: run.remoteState, nextCheckAt: run.nextCheckAt,
    createdAt: run.createdAt, startedAt: run.startedAt, finishedAt: run.finishedAt,
    project: project[0] ?? null, params, tags, transitions, artifacts: files, latestMetrics: latest,
  };
}

/** Params are write-once: the same value again is a no-op, a different value a conflict. */
export async function logParams(db: DbOrTx, run: { id: string; orgId: string }, params: Record<string, string>) {
  const entries = Object.entries(params);
  if (entries.length === 0) return;
  await db.insert(runParams).values(entries.map(([key, value]) => ({ runId: run.id, orgId: run.orgId, key, value }))).onConflictDoNothing();
  const stored = await db.select().from(runParams).where(and(eq(runParams.runId, run.id), inArray(runParams.key, entries.map(([k]) => k))));
  const clash = stored.find((row) => row.value !== params[row.key]);
  if (clash) throw new ConflictError(`param "${clash.key}" is already "${clash.value}"; params are write-once`);
}

export async function setTags(db: DbOrTx, run: { id: string; orgId: string }, tags: Record<string, string>) {
  const entries = Object.entries(tags);
  if (entries.length === 0) return;
  await db.insert(runTags).values(entries.map(([key, value]) => ({ runId: run.id, orgId: run.orgId, key, value })))
    .onConflictDoUpdate({ target: [runTags.runId, runTags.key], set: { value: sql`excluded.value` } });
}

export async function countRunsByStatus(db: DbOrTx, orgId: string) {
  const rows = await db.select({ status: runs.status, n: sql<number>`count(*)::int` }).from(runs).where(and(eq(runs.orgId, orgId), ...visibleRuns)).groupBy(runs.status);
  return Object.fromEntries(rows.map((r) => [r.status, r.n])) as Partial<Record<RunStatus, number>>;
}

export async function auditRunWrite(db: DbOrTx, run: { id: string; orgId: string }, actor: Actor, action: string, details: Record<string, unknown>) {
  await recordAudit(db, { orgId: run.orgId, actor, action, targetType: "run", targetId: run.id, details });
}
