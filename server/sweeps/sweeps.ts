import { and, desc, eq } from "drizzle-orm";
import type { Db } from "@/server/db/client";
import { sweeps } from "@/server/db/schema";
import { ConflictError, NotFoundError } from "@/server/errors";
import { wakeRunner } from "@/server/runner/wake";
import type { Actor } from "@/server/tenancy/actor";
import type { OrgContext } from "@/server/tenancy/organizations";
import { submitJobSchema } from "@/server/training/job-input";
import { findCluster, resolveJob } from "@/server/training/jobs";
import { ensureProject, getProject } from "@/server/tracking/projects";
import { samplePoint, seededRng } from "./search-space";
import { createSweepSchema, type CreateSweepInput } from "./sweep-input";
import { sweepLifecycle, type SweepStatus } from "./sweep-lifecycle";
import { activeTrials, bestTrial, loadTrials } from "./trials";
import { paramImportance } from "./importance";

type Sweep = typeof sweeps.$inferSelect;

/** The job a trial runs: the sweep's job with the trial's params, checked as any submission is. */
export function trialJob(spec: CreateSweepInput, name: string, params: Record<string, unknown>) {
  const { hyperparameters, ...job } = spec.job;
  return submitJobSchema.parse({ ...job, name: name.slice(0, 120), hyperparameters: { ...hyperparameters, ...params } });
}

/**
 * Creates a sweep after checking that its trials could be submitted by its creator (template,
 * command, cluster permissions), with the creator's role recorded for the runner to submit as.
 */
export async function createSweep(db: Db, org: OrgContext, actor: Actor, raw: unknown) {
  const input = createSweepSchema.parse(raw);
  // One sample trial through every check a submission meets: a sweep never starts unable to run.
  resolveJob(org, trialJob(input, `${input.name} #1`, samplePoint(input.space, seededRng(input.seed))));
  const sweep = await db.transaction(async (tx) => {
    if (input.job.clusterId || input.job.cluster) await findCluster(tx as unknown as Db, org.id, input.job);
    const project = input.job.projectId ? await getProject(tx, org.id, input.job.projectId) : await ensureProject(tx, org.id, input.job.project ?? "Default");
    return sweepLifecycle.create(tx, {
      values: {
        orgId: org.id, projectId: project.id, name: input.name, spec: input as unknown as Record<string, unknown>,
        submitAs: { role: org.role, grants: org.grants, label: actor.label }, createdBy: actor.kind === "user" ? actor.userId : null,
      },
      actor, reason: "created", audit: { action: "sweep.create", details: { name: input.name, algorithm: input.algorithm, maxTrials: input.maxTrials } },
    });
  });
  wakeRunner();
  return sweep;
}

export async function getSweepRow(db: Db, orgId: string, id: string): Promise<Sweep> {
  const [row] = await db.select().from(sweeps).where(and(eq(sweeps.id, id), eq(sweeps.orgId, orgId)));
  if (!row) throw new NotFoundError("Sweep");
  return row;
}

/** The sweep with its trials, best trial, Pareto front (two objectives) and parameter importance. */
export async function getSweep(db: Db, orgId: string, id: string) {
  const row = await getSweepRow(db, orgId, id);
  const spec = row.spec as unknown as CreateSweepInput;
  const trials = await loadTrials(db, row, spec);
  const best = bestTrial(trials, spec);
  return {
    id: row.id, name: row.name, status: row.status as SweepStatus, statusMessage: row.statusMessage, desiredState: row.desiredState,
    createdAt: row.createdAt, finishedAt: row.finishedAt, projectId: row.projectId, spec,
    progress: { total: spec.maxTrials, submitted: trials.length, finished: trials.length - activeTrials(trials).length, running: activeTrials(trials).length },
    trials, best, importance: paramImportance(trials, spec),
  };
}

export async function listSweeps(db: Db, orgId: string, limit = 100) {
  const rows = await db.select().from(sweeps).where(eq(sweeps.orgId, orgId)).orderBy(desc(sweeps.seq)).limit(limit);
  return rows.map((r) => {
    const spec = r.spec as unknown as CreateSweepInput;
    return { id: r.id, name: r.name, status: r.status as SweepStatus, statusMessage: r.statusMessage, algorithm: spec.algorithm, maxTrials: spec.maxTrials, objectives: spec.objectives, createdAt: r.createdAt };
  });
}

/** Stop: no new trials, the running ones cancelled by the runner; the sweep ends CANCELLED. */
export async function stopSweep(db: Db, org: { id: string }, actor: Actor, id: string) {
  await db.transaction(async (tx) => {
    const row = await sweepLifecycle.requestChange(tx, { id, orgId: org.id }, { desiredState: "CANCEL", statusMessage: `Stopping (asked by ${actor.label})` });
    if (!row) {
      const [exists] = await tx.select({ status: sweeps.status }).from(sweeps).where(and(eq(sweeps.id, id), eq(sweeps.orgId, org.id)));
      if (!exists) throw new NotFoundError("Sweep");
      throw new ConflictError(`The sweep already ended (${exists.status})`);
    }
  });
  wakeRunner();
}
