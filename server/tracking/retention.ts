import { and, desc, eq, isNotNull, sql } from "drizzle-orm";
import type { Db, DbOrTx } from "@/server/db/client";
import { artifacts, experiments, lifecycleTransitions, metricRollups, metrics, projects, runMetricSummaries, runs } from "@/server/db/schema";
import { NotFoundError } from "@/server/errors";
import { log } from "@/server/log";
import { runLifecycle } from "@/server/runner/run-lifecycle";
import type { ObjectStore } from "@/server/storage/object-store";
import { systemActor, type Actor } from "@/server/tenancy/actor";
import { recordAudit } from "@/server/tenancy/audit";
import { purgeDueAt } from "@/lib/format-time";
import { getExperiment } from "./projects";
import { getRunRow } from "./runs";

/**
 * Deleting is soft first, as in MLflow and W&B: a deleted run or experiment disappears from
 * lists and can be restored until the purge delay has passed; then the runner's purge removes
 * its metrics, rollups, logs and artifact objects for good, giving the space back.
 */
export async function setRunDeleted(db: Db, orgId: string, runId: string, actor: Actor, deleted: boolean) {
  const run = await getRunRow(db, orgId, runId);
  await db.transaction(async (tx) => {
    const changed = await tx.update(runs).set({ deletedAt: deleted ? sql`coalesce(${runs.deletedAt}, now())` : null })
      .where(and(eq(runs.id, run.id), eq(runs.orgId, orgId))).returning({ id: runs.id });
    if (changed.length === 0) throw new NotFoundError("Run"); // purged meanwhile
    await recordAudit(tx, { orgId, actor, action: deleted ? "run.delete" : "run.restore", targetType: "run", targetId: run.id });
  });
}

export async function setExperimentDeleted(db: Db, orgId: string, experimentId: string, actor: Actor, deleted: boolean) {
  const experiment = await getExperiment(db, orgId, experimentId, { includeDeleted: true });
  await db.transaction(async (tx) => {
    const changed = await tx.update(experiments).set({ deletedAt: deleted ? sql`coalesce(${experiments.deletedAt}, now())` : null, updatedAt: sql`now()` })
      .where(and(eq(experiments.id, experiment.id), eq(experiments.orgId, orgId))).returning({ id: experiments.id });
    if (changed.length === 0) throw new NotFoundError("Experiment"); // purged meanwhile
    await recordAudit(tx, { orgId, actor, action: deleted ? "experiment.delete" : "experiment.restore", targetType: "experiment", targetId: experiment.id });
  });
}

/** Deleted experiments that can still be restored, newest first. */
export async function listDeletedExperiments(db: DbOrTx, orgId: string, purgeAfterHours: number) {
  const rows = await db.select({ id: experiments.id, name: experiments.name, projectName: projects.name, deletedAt: experiments.deletedAt })
    .from(experiments).innerJoin(projects, eq(projects.id, experiments.projectId))
    .where(and(eq(experiments.orgId, orgId), isNotNull(experiments.deletedAt))).orderBy(desc(experiments.deletedAt)).limit(200);
  return rows.map((r) => ({ ...r, deletedAt: r.deletedAt!, purgeAt: purgeDueAt(r.deletedAt!, purgeAfterHours) }));
}

export interface PurgeResult { runs: number; experiments: number; objects: number }

/**
 * Purges what was deleted more than `purgeAfterHours` ago: runs deleted themselves or through
 * their experiment (once they have ended; a run still going is purged after it stops), then
 * experiments left with no runs. Each run goes in a transaction that holds its row: a restore
 * waits for it, and a crash half-way rolls back the rows while the object deletes (idempotent)
 * are simply repeated by the next purge.
 */
export async function purgeDeleted(db: Db, store: ObjectStore, opts: { purgeAfterHours: number; limit?: number }): Promise<PurgeResult> {
  const cutoff = sql`now() - make_interval(secs => ${opts.purgeAfterHours * 3600})`;
  const due = sql`(${runs.deletedAt} < ${cutoff} or exists (select 1 from ${experiments} e where e.id = ${runs.experimentId} and e.deleted_at < ${cutoff}))
    and ${runs.status} in ${runLifecycle.terminal}`;
  const candidates = await db.select({ id: runs.id, orgId: runs.orgId, experimentId: runs.experimentId }).from(runs).where(due).limit(opts.limit ?? 100);
  const result: PurgeResult = { runs: 0, experiments: 0, objects: 0 };
  for (const c of candidates) {
    try {
      await db.transaction(async (tx) => {
        // The experiment first (a restore of it updates that row, so it waits for us or we for
        // it), then the ingestion lock (no batch lands half-way), then the run, re-checked.
        await tx.execute(sql`select 1 from ${experiments} where id = ${c.experimentId} for share`);
        await tx.execute(sql`select pg_advisory_xact_lock(7304112, hashtext(${c.id}::text))`);
        const [held] = await tx.select({ id: runs.id }).from(runs).where(and(eq(runs.id, c.id), due)).for("update");
        if (!held) return; // restored (or purged by another runner) meanwhile
        const objects = await tx.select({ key: artifacts.storageKey }).from(artifacts).where(eq(artifacts.runId, c.id));
        for (const o of objects) await store.delete(o.key);
        await purgeRunRows(tx, c.id);
        await recordAudit(tx, { orgId: c.orgId, actor: systemActor("retention"), action: "run.purge", targetType: "run", targetId: c.id, details: { artifacts: objects.length } });
        result.runs += 1;
        result.objects += objects.length;
      });
    } catch (err) {
      // One run's store trouble (S3 away) must not stop the others; it is tried again next sweep.
      log.warn("retention: purging a run failed; it is retried at the next sweep", { runId: c.id, err });
    }
  }
  const gone = await db.delete(experiments)
    .where(sql`${experiments.deletedAt} < ${cutoff} and not exists (select 1 from ${runs} r where r.experiment_id = ${experiments.id})`)
    .returning({ id: experiments.id, orgId: experiments.orgId });
  for (const e of gone) await recordAudit(db, { orgId: e.orgId, actor: systemActor("retention"), action: "experiment.purge", targetType: "experiment", targetId: e.id });
  result.experiments = gone.length;
  return result;
}

/** The tables without a foreign key to runs (kept off the ingestion path on purpose), then the run. */
async function purgeRunRows(tx: DbOrTx, runId: string) {
  await tx.delete(metrics).where(eq(metrics.runId, runId));
  await tx.delete(metricRollups).where(eq(metricRollups.runId, runId));
  await tx.delete(runMetricSummaries).where(eq(runMetricSummaries.runId, runId));
  await tx.delete(lifecycleTransitions).where(and(eq(lifecycleTransitions.lifecycle, "run"), eq(lifecycleTransitions.entityId, runId)));
  // Params, tags, logs, artifacts rows and tokens go with the run (on delete cascade).
  await tx.delete(runs).where(eq(runs.id, runId));
}
