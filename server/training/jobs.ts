import { and, eq, sql } from "drizzle-orm";
import type { Db, DbOrTx } from "@/server/db/client";
import { clusters, runParams, runs } from "@/server/db/schema";
import { BudgetSpentError, ConflictError, ForbiddenError, NotFoundError, ValidationError } from "@/server/errors";
import { jobGpus } from "@/server/scheduling/allocations";
import { budgetOf, budgetSentence } from "@/server/scheduling/costs";
import { resolveQueue } from "@/server/scheduling/pools";
import { runLifecycle } from "@/server/runner/run-lifecycle";
import { wakeRunner } from "@/server/runner/wake";
import type { Actor } from "@/server/tenancy/actor";
import { recordAudit } from "@/server/tenancy/audit";
import type { OrgContext } from "@/server/tenancy/organizations";
import { can } from "@/server/tenancy/permissions";
import { ensureExperiment, ensureProject, getProject } from "@/server/tracking/projects";
import type { SubmitJobInput } from "./job-input";
import { assertCheckpoint, copyCheckpoint, RESUME_DIR } from "./checkpoints";
import { findTemplate } from "./templates";

/**
 * What a submission runs, after the checks that need no database: the template, the command,
 * where it runs and who may ask for that. Sweeps check their trials with it before they start.
 */
export function resolveJob(org: Pick<OrgContext, "role" | "grants">, input: SubmitJobInput) {
  const template = input.template ? findTemplate(input.template) : undefined;
  if (input.template && !template) throw new ValidationError(`Unknown template "${input.template}"`);
  // A template runs its own command; anything else would slip a command past the check below.
  if (template && input.command) throw new ValidationError("Choose a template or a command, not both");
  const onCluster = Boolean(input.cluster || input.clusterId);
  if (onCluster && !can(org.role, "cluster:execute", org.grants)) throw new ForbiddenError(`Your role (${org.role}) cannot run jobs on clusters`);
  if (!onCluster && template?.runsOn === "cluster") throw new ValidationError(`"${template.name}" runs on a Ray cluster: choose one (Clusters registers them)`);
  if (!onCluster && (input.distributed || input.runtimeEnv?.pip.length || input.runtimeEnv?.workingDir)) {
    throw new ValidationError("Workers, pip packages and a working directory apply to jobs on a cluster: choose one");
  }
  if (!template && !onCluster && !can(org.role, "host:execute", org.grants)) {
    throw new ForbiddenError("Running your own commands on this machine needs the admin role or an admin's permission (Settings → Members); templates are open to you");
  }
  const distributed = input.distributed ?? template?.distributed;
  const command = input.command || template?.command(distributed);
  if (!command) throw new ValidationError("Choose a template or enter a command");
  const hyperparameters = { ...template?.hyperparameters, ...input.hyperparameters };
  const pip = [...new Set([...(template?.pip ?? []), ...(input.runtimeEnv?.pip ?? [])])];
  const env = { ...input.runtimeEnv?.env, ...(input.resumeFrom ? { ANVIL_RESUME_FROM: `${RESUME_DIR}/${input.resumeFrom.path.split("/").pop()}` } : {}) };
  return { template, onCluster, distributed, command, hyperparameters, pip, env };
}

/**
 * Queues a training job: run, creation transition, params and audit in one transaction. A
 * template runs code shipped with Anvil; any other command on the local executor runs on this
 * machine, which takes the `host:execute` permission (admins, or members an admin allowed).
 * On a cluster, commands run on the cluster: `cluster:execute` is enough.
 */
export async function submitJob(db: Db, org: OrgContext, actor: Actor, input: SubmitJobInput, extra: { sweepId?: string; experiment?: string } = {}) {
  const { template, onCluster, distributed, command, hyperparameters, pip, env } = resolveJob(org, input);
  if (input.resumeFrom) await assertCheckpoint(db, org.id, input.resumeFrom);

  const run = await db.transaction(async (tx) => {
    const cluster = onCluster ? await findCluster(tx as unknown as Db, org.id, input) : null;
    const project = input.projectId ? await getProject(tx, org.id, input.projectId) : await ensureProject(tx, org.id, input.project ?? "Default");
    const experimentId = (await ensureExperiment(tx, org.id, project.id, extra.experiment ?? "Default")).id;
    const gpus = jobGpus({ resources: input.resources, distributed: onCluster ? distributed : undefined });
    const queueId = await admissionQueue(tx, org.id, input.queue, gpus);
    const created = await runLifecycle.create(tx, {
      values: {
        orgId: org.id, projectId: project.id, experimentId, name: input.name, type: "training",
        executor: cluster?.kind ?? input.executor, clusterId: cluster?.id ?? null, template: template?.id ?? null, resources: input.resources,
        queueId, gpus, priority: input.priority,
        sweepId: extra.sweepId ?? null,
        executorSpec: {
          command, params: hyperparameters,
          ...(Object.keys(env).length > 0 ? { env } : {}),
          ...(distributed && onCluster ? { distributed } : {}),
          ...(pip.length > 0 && onCluster ? { pip } : {}),
          ...(input.runtimeEnv?.workingDir ? { cwd: input.runtimeEnv.workingDir } : {}),
          ...(input.resumeFrom ? { resumeFrom: input.resumeFrom } : {}),
        },
        maxRetries: input.maxRetries, retryOnFailure: input.retryOnFailure,
        createdBy: actor.kind === "user" ? actor.userId : null,
        // A job resuming from a checkpoint waits until the checkpoint is copied into it (the copy
        // makes it due at once); if this request dies first, the runner fails it in a few minutes.
        ...(input.resumeFrom ? { nextCheckAt: sql`now() + interval '3 minutes'` } : {}),
      },
      actor, reason: "submitted",
      audit: { action: "run.submit", details: { name: input.name, template: template?.id ?? null, cluster: cluster?.name ?? null } },
    });
    const entries = Object.entries(hyperparameters);
    if (entries.length > 0) {
      await tx.insert(runParams).values(entries.map(([key, value]) => ({ runId: created.id, orgId: org.id, key, value: String(value) })));
    }
    return created;
  });
  if (input.resumeFrom) await copyCheckpoint(db, org, actor, input.resumeFrom, run);
  wakeRunner();
  return run;
}

/**
 * The queue a GPU job waits in (none when the organization has no default and none is named),
 * refused at once when the organization's budget is spent: a new job would only wait for it.
 */
async function admissionQueue(tx: DbOrTx, orgId: string, queue: string | undefined, gpus: number): Promise<string | null> {
  if (gpus === 0) {
    if (queue) throw new ValidationError("Queues schedule GPUs, and this job asks for none");
    return null;
  }
  const queueId = await resolveQueue(tx, orgId, queue);
  const budget = queueId ? await budgetOf(tx, orgId) : null;
  if (budget?.state === "spent") throw new BudgetSpentError(`Not submitted: ${budgetSentence(budget)}`);
  return queueId;
}

/** The named cluster, share-locked so it cannot be deleted while the job is being queued. */
export async function findCluster(tx: Db, orgId: string, input: { cluster?: string; clusterId?: string }) {
  const where = input.clusterId ? eq(clusters.id, input.clusterId) : sql`lower(${clusters.name}) = lower(${input.cluster})`;
  const [cluster] = await tx.select().from(clusters).where(and(eq(clusters.orgId, orgId), where)).for("share");
  if (!cluster && input.clusterId) throw new NotFoundError("Cluster");
  if (!cluster) throw new ValidationError(`No cluster named "${input.cluster}" in this organization (Clusters lists them)`);
  return cluster;
}

/**
 * Cancel (desired state, as Kubernetes would): a queued run ends at once; a started one is
 * stopped by the runner. The request fences any runner mid-step (its lease is revoked).
 */
export async function cancelJob(db: Db, org: { id: string }, actor: Actor, runId: string) {
  await db.transaction(async (tx) => {
    // Asked again while stopping: nothing changes (the stop deadline runs from the first ask).
    const [current] = await tx.select({ desiredState: runs.desiredState, status: runs.status }).from(runs).where(and(eq(runs.id, runId), eq(runs.orgId, org.id)));
    if (current?.desiredState === "CANCEL" && !runLifecycle.isTerminal(current.status as never)) return;
    const run = await runLifecycle.requestChange(tx, { id: runId, orgId: org.id }, { desiredState: "CANCEL", cancelledBy: actor.label, cancelRequestedAt: sql`coalesce(${runs.cancelRequestedAt}, now())` });
    if (!run) {
      const [exists] = await tx.select({ status: runs.status }).from(runs).where(and(eq(runs.id, runId), eq(runs.orgId, org.id)));
      if (!exists) throw new NotFoundError("Run");
      throw new ConflictError(`The run already ended (${exists.status})`);
    }
    await recordAudit(tx, { orgId: org.id, actor, action: "run.cancel", targetType: "run", targetId: runId });
    if (run.status === "QUEUED") {
      await runLifecycle.transition(tx, { id: runId, orgId: org.id, from: "QUEUED", to: "CANCELLED", version: run.version, actor, reason: "cancelled before it started", set: { statusMessage: "Cancelled" } });
    }
  });
  wakeRunner();
}
