import { and, desc, eq, inArray, isNull, lt, sql, type SQL } from "drizzle-orm";
import type { Db } from "@/server/db/client";
import { clusters, projects, queues, runParams, runs } from "@/server/db/schema";
import { ConflictError, ValidationError } from "@/server/errors";
import { RUN_STATUSES, isTerminal, type RunStatus } from "@/server/runner/run-lifecycle";
import type { Actor } from "@/server/tenancy/actor";
import type { OrgContext } from "@/server/tenancy/organizations";
import { setRunDeleted } from "@/server/tracking/retention";
import { getRunDetail, getRunRow } from "@/server/tracking/runs";
import { loadClusterExecutor } from "@/server/clusters/cluster-executors";
import { log } from "@/server/log";
import { runScheduling } from "@/server/scheduling/run-scheduling";
import type { SubmitJobInput } from "./job-input";
import { cancelJob, submitJob } from "./jobs";

/** Training jobs are the runs Anvil executes (not the ones clients log from outside). */
const isJob = sql`${runs.executor} <> 'external'`;

export interface ListJobsQuery { status?: string; project?: string; cluster?: string; limit: number; before?: string }

/** Newest first, `before` = the last id of the previous page. */
export async function listJobs(db: Db, orgId: string, q: ListJobsQuery) {
  const where: SQL[] = [eq(runs.orgId, orgId), isJob, isNull(runs.deletedAt)];
  if (q.status) {
    const statuses = q.status.split(",").map((s) => s.trim().toUpperCase());
    const bad = statuses.find((s) => !(RUN_STATUSES as readonly string[]).includes(s));
    if (bad) throw new ValidationError(`Unknown status "${bad}" (one of ${RUN_STATUSES.join(", ")})`);
    where.push(inArray(runs.status, statuses));
  }
  if (q.project) where.push(sql`${runs.projectId} in (select id from ${projects} where org_id = ${orgId} and (slug = ${q.project} or lower(name) = lower(${q.project})))`);
  if (q.cluster) where.push(sql`${runs.clusterId} in (select id from ${clusters} where org_id = ${orgId} and lower(name) = lower(${q.cluster}))`);
  if (q.before) {
    const cursor = await getRunRow(db, orgId, q.before);
    where.push(lt(runs.seq, cursor.seq));
  }
  const rows = await db.select({ run: runs, cluster: { id: clusters.id, name: clusters.name, kind: clusters.kind } })
    .from(runs).leftJoin(clusters, eq(clusters.id, runs.clusterId))
    .where(and(...where)).orderBy(desc(runs.seq)).limit(q.limit);
  return rows.map(({ run, cluster }) => jobSummary(run, cluster?.id ? cluster : null));
}

function jobSummary(run: typeof runs.$inferSelect, cluster: { id: string; name: string; kind: string } | null) {
  return {
    id: run.id, name: run.name, status: run.status as RunStatus, statusMessage: run.statusMessage, executor: run.executor,
    cluster, remoteId: run.remoteId, attempt: run.attempt, template: run.template, projectId: run.projectId,
    createdAt: run.createdAt, startedAt: run.startedAt, finishedAt: run.finishedAt, exitCode: run.exitCode,
    gpus: run.gpus, priority: run.priority, queuePosition: run.status === "QUEUED" ? run.queuePosition : null, pendingReason: run.status === "QUEUED" ? run.pendingReason : null,
  };
}

export async function getJob(db: Db, orgId: string, id: string) {
  const detail = await getRunDetail(db, orgId, id);
  if (detail.executor === "external") throw new ValidationError("This run was logged from a client, not run by Anvil: see /api/v1/runs/{id}");
  return { ...detail, scheduling: await runScheduling(db, orgId, id) };
}

/**
 * DELETE on a job: a running job is stopped (it stays listed, CANCELLED); a finished one is
 * deleted (restorable until purged) and its record on the cluster removed.
 */
export async function deleteJob(db: Db, org: OrgContext, actor: Actor, id: string, installId: string): Promise<"stopping" | "deleted"> {
  const run = await getRunRow(db, org.id, id);
  if (run.executor === "external") throw new ValidationError("This run was logged from a client; delete it with its experiment");
  if (!isTerminal(run.status as RunStatus)) {
    await cancelJob(db, org, actor, id);
    return "stopping";
  }
  if (run.remoteState === "ORPHANED") throw new ConflictError("Its job on the cluster has not stopped yet; Anvil is still asking it to. Try again once it has.");
  await setRunDeleted(db, org.id, id, actor, true);
  if (run.clusterId && run.remoteId) {
    const found = await loadClusterExecutor(db, org.id, run.clusterId, installId).catch(() => null);
    await found?.executor.delete?.(run.remoteId, { signal: AbortSignal.timeout(10_000) })
      .catch((err: Error) => log.warn("jobs: could not delete a finished job's record on its cluster", { runId: id, err: err.message }));
  }
  return "deleted";
}

/** The settings a job was submitted with, to submit again (re-run) or edit first (clone). */
export async function jobSettings(db: Db, orgId: string, id: string): Promise<SubmitJobInput> {
  const run = await getRunRow(db, orgId, id);
  if (run.executor === "external") throw new ValidationError("Only jobs Anvil ran can be cloned");
  const spec = run.executorSpec as { command?: string; env?: Record<string, string>; distributed?: SubmitJobInput["distributed"]; pip?: string[]; cwd?: string };
  const params = await db.select().from(runParams).where(eq(runParams.runId, id));
  const [cluster] = run.clusterId ? await db.select({ id: clusters.id }).from(clusters).where(eq(clusters.id, run.clusterId)) : [];
  const [queue] = run.queueId ? await db.select({ name: queues.name }).from(queues).where(eq(queues.id, run.queueId)) : [];
  const env = Object.fromEntries(Object.entries(spec.env ?? {}).filter(([k]) => !k.startsWith("ANVIL_")));
  return {
    projectId: run.projectId, name: run.name, template: run.template ?? undefined, command: run.template ? undefined : spec.command,
    hyperparameters: Object.fromEntries(params.map((p) => [p.key, p.value])),
    resources: run.resources as SubmitJobInput["resources"], executor: "local", clusterId: cluster?.id,
    distributed: spec.distributed, runtimeEnv: cluster ? { env, pip: run.template ? [] : (spec.pip ?? []), workingDir: spec.cwd } : undefined,
    queue: queue?.name, priority: run.priority, maxRetries: run.maxRetries, retryOnFailure: run.retryOnFailure,
  };
}

export async function rerunJob(db: Db, org: OrgContext, actor: Actor, id: string) {
  const settings = await jobSettings(db, org.id, id);
  return submitJob(db, org, actor, { ...settings, name: rerunName(settings.name) });
}

function rerunName(name: string): string {
  const m = /^(.*) \(re-run (\d+)\)$/.exec(name);
  return m ? `${m[1]} (re-run ${Number(m[2]) + 1})` : `${name.slice(0, 105)} (re-run 1)`;
}
