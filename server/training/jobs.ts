import { and, eq } from "drizzle-orm";
import type { Db } from "@/server/db/client";
import { runParams, runs } from "@/server/db/schema";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "@/server/errors";
import { runLifecycle } from "@/server/runner/run-lifecycle";
import { wakeRunner } from "@/server/runner/wake";
import type { Actor } from "@/server/tenancy/actor";
import { recordAudit } from "@/server/tenancy/audit";
import type { OrgContext } from "@/server/tenancy/organizations";
import { can } from "@/server/tenancy/permissions";
import type { SubmitJobInput } from "./job-input";
import { ensureExperiment, ensureProject, getProject } from "@/server/tracking/projects";
import { findTemplate } from "./templates";

/**
 * Queues a training job: run, creation transition, params and audit in one transaction. A
 * template runs code shipped with Anvil; any other command on the local executor runs on this
 * machine, which takes the `host:execute` permission (admins, or members an admin allowed).
 */
export async function submitJob(db: Db, org: OrgContext, actor: Actor, input: SubmitJobInput) {
  const template = input.template ? findTemplate(input.template) : undefined;
  if (input.template && !template) throw new ValidationError(`Unknown template "${input.template}"`);
  // A template runs its own command; anything else would slip a command past the check below.
  if (template && input.command) throw new ValidationError("Choose a template or a command, not both");
  if (!template && input.executor === "local" && !can(org.role, "host:execute", org.grants)) {
    throw new ForbiddenError("Running your own commands on this machine needs the admin role or an admin's permission (Settings → Members); templates are open to you");
  }
  const command = input.command || template?.command;
  if (!command) throw new ValidationError("Choose a template or enter a command");
  const hyperparameters = { ...template?.hyperparameters, ...input.hyperparameters };

  const run = await db.transaction(async (tx) => {
    const project = input.projectId ? await getProject(tx, org.id, input.projectId) : await ensureProject(tx, org.id, "Default");
    const experimentId = (await ensureExperiment(tx, org.id, project.id, "Default")).id;
    const created = await runLifecycle.create(tx, {
      values: {
        orgId: org.id, projectId: project.id, experimentId, name: input.name, type: "training",
        executor: input.executor, template: template?.id ?? null, resources: input.resources,
        executorSpec: { command, params: hyperparameters }, maxRetries: input.maxRetries, retryOnFailure: input.retryOnFailure,
        createdBy: actor.kind === "user" ? actor.userId : null,
      },
      actor, reason: "submitted",
      audit: { action: "run.submit", details: { name: input.name, template: template?.id ?? null } },
    });
    const entries = Object.entries(hyperparameters);
    if (entries.length > 0) {
      await tx.insert(runParams).values(entries.map(([key, value]) => ({ runId: created.id, orgId: org.id, key, value: String(value) })));
    }
    return created;
  });
  wakeRunner();
  return run;
}

/**
 * Cancel (desired state, as Kubernetes would): a queued run ends at once; a started one is
 * stopped by the runner. The request fences any runner mid-step (its lease is revoked).
 */
export async function cancelJob(db: Db, org: { id: string }, actor: Actor, runId: string) {
  await db.transaction(async (tx) => {
    const run = await runLifecycle.requestChange(tx, { id: runId, orgId: org.id }, { desiredState: "CANCEL", cancelledBy: actor.label });
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
