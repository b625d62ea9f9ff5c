import { and, asc, desc, eq, inArray } from "drizzle-orm";
import type { Db, DbOrTx } from "@/server/db/client";
import { rolloutEvents, serviceRollouts, serviceVariants, type RolloutStep } from "@/server/db/schema";
import { ConflictError, NotFoundError, ValidationError } from "@/server/errors";
import { forgetService } from "@/server/inference/gateway-state";
import { getServiceRow, variantsOf, type Service, type Variant } from "@/server/inference/service-rows";
import { changed, insertVariant, liveService } from "@/server/inference/variants";
import { wakeRunner } from "@/server/runner/wake";
import type { Actor } from "@/server/tenancy/actor";
import { deliverAlert } from "./alerts";
import { DEFAULT_CANARY_STEPS, DEFAULT_SLO, startRolloutSchema, type StartRolloutInput } from "./rollout-input";
import { rolloutLifecycle, type Rollout, type RolloutStatus } from "./rollout-lifecycle";
import { finish, recordEvent, rollbackAlert, stepStart } from "./rollout-steps";

/**
 * Starting a rollout and what people do to one: pause, resume, promote now, roll back. Each
 * action locks the service row, as the runner's steps do, so the two never interleave.
 */

/** The steps of a strategy. Rolling hands the baseline's replicas over one at a time. */
export function stepsFor(strategy: StartRolloutInput["strategy"], steps: number[] | undefined, baselineReplicas: number): RolloutStep[] {
  if (strategy === "canary") return (steps ?? DEFAULT_CANARY_STEPS).map((weight) => ({ weight }));
  if (strategy === "rolling") {
    const n = Math.max(1, baselineReplicas);
    return Array.from({ length: n }, (_, i) => ({ weight: Math.round((100 * (i + 1)) / n), candidateReplicas: i + 1 }));
  }
  return [{ weight: 100 }];
}

export async function startRollout(db: Db, orgId: string, actor: Actor, idOrName: string, raw: unknown): Promise<Rollout> {
  const input = startRolloutSchema.parse(raw);
  if (input.steps && input.strategy !== "canary") throw new ValidationError("Only a canary takes steps; rolling moves one replica at a time, blue-green and immediate switch at once");
  const row = await db.transaction(async (tx) => {
    const service = await liveService(tx, orgId, idOrName);
    const [active] = await tx.select({ id: serviceRollouts.id }).from(serviceRollouts)
      .where(and(eq(serviceRollouts.serviceId, service.id), inArray(serviceRollouts.status, ["PROGRESSING", "PAUSED"])));
    if (active) throw new ConflictError("The service has a rollout in progress: finish or roll it back first");
    const variants = (await variantsOf(tx, service.id)).filter((v) => v.shadowPercent === 0);
    const baseline = input.baseline ? variants.find((v) => v.name === input.baseline) : [...variants].sort((a, b) => b.weight - a.weight)[0];
    if (!baseline) throw new ValidationError(`No variant named "${input.baseline}" takes traffic`);
    if (input.strategy === "rolling" && service.backend === "vllm") throw new ValidationError("A rolling update hands replicas over; a vLLM service's replicas are endpoints you run: use a canary or blue-green");
    const steps = stepsFor(input.strategy, input.steps, baseline.replicas);
    let candidate: Variant;
    if (typeof input.candidate === "string") {
      const found = variants.find((v) => v.name === input.candidate);
      if (!found) throw new ValidationError(`No variant named "${input.candidate}"`);
      candidate = found;
    } else {
      candidate = await insertVariant(tx, service, { ...input.candidate, weight: 0, ...(steps[0].candidateReplicas !== undefined ? { replicas: steps[0].candidateReplicas } : {}) });
    }
    if (candidate.id === baseline.id) throw new ValidationError("The candidate is the baseline");
    await tx.update(serviceVariants).set({ weight: 0 }).where(eq(serviceVariants.id, candidate.id));
    // Rolling without surge (maxSurge 0, maxUnavailable 1): the candidate's first replica takes one of the baseline's.
    if (input.strategy === "rolling" && baseline.replicas > 1) await tx.update(serviceVariants).set({ replicas: baseline.replicas - 1 }).where(eq(serviceVariants.id, baseline.id));
    if (variants.some((v) => v.id !== baseline.id && v.id !== candidate.id && v.weight > 0)) throw new ConflictError("Other variants take traffic: a rollout moves it between two; set their weights to 0 first");
    const created = await rolloutLifecycle.create(tx, {
      values: {
        orgId, serviceId: service.id, strategy: input.strategy, baseline: baseline.name, candidate: candidate.name, steps,
        intervalSeconds: input.strategy === "immediate" ? 0 : input.intervalSeconds, minRequests: input.minRequests,
        slo: input.slo ?? service.slo ?? DEFAULT_SLO, baselineReplicas: baseline.replicas, createdBy: actor.kind === "user" ? actor.userId : null,
      },
      actor, reason: `${input.strategy} of ${candidate.name} over ${baseline.name}`,
    });
    await recordEvent(tx, created, "start", `Started a ${input.strategy} rollout of ${candidate.name} (baseline ${baseline.name}); waiting for its replicas`, { weight: 0 });
    await changed(tx, service);
    return created;
  });
  forgetService(row.serviceId);
  wakeRunner();
  return row;
}

async function rolloutRow(db: DbOrTx, service: Service, rolloutId: string): Promise<Rollout> {
  const [row] = await db.select().from(serviceRollouts).where(and(eq(serviceRollouts.id, rolloutId), eq(serviceRollouts.serviceId, service.id), eq(serviceRollouts.orgId, service.orgId)));
  if (!row) throw new NotFoundError("Rollout");
  return row;
}

export type RolloutAction = "pause" | "resume" | "promote" | "rollback";

/** A person's action on a rollout, in one transaction with what it changes. */
export async function actOnRollout(db: Db, orgId: string, actor: Actor, idOrName: string, rolloutId: string, action: RolloutAction): Promise<Rollout> {
  let alert: number | null = null;
  const result = await db.transaction(async (tx) => {
    const service = await liveService(tx, orgId, idOrName);
    const r = await rolloutRow(tx, service, rolloutId);
    const status = r.status as RolloutStatus;
    if (rolloutLifecycle.isTerminal(status)) throw new ConflictError(`The rollout already ended ${status === "PROMOTED" ? "promoted" : "rolled back"}`);
    const by = `by ${actor.label}`;
    if (action === "pause" || action === "resume") {
      if ((action === "pause") !== (status === "PROGRESSING")) throw new ConflictError(`The rollout is ${status.toLowerCase()}`);
      const to = action === "pause" ? "PAUSED" : "PROGRESSING";
      // Resuming starts the step's analysis afresh: what happened while paused is not judged.
      // A resumed wait for the candidate's replicas gets its full time again.
      const set = action === "pause" ? { nextCheckAt: null, statusMessage: `Paused ${by}` } : { nextCheckAt: new Date(), statusMessage: `Resumed ${by}`, ...(r.stepIndex >= 0 ? await stepStart(tx, r, r.candidate) : { stepStartedAt: new Date() }) };
      const moved = await rolloutLifecycle.transition(tx, { id: r.id, orgId, from: status, to, version: r.version, actor, reason: `${action === "pause" ? "Paused" : "Resumed"} ${by}`, set });
      if (!moved.ok) throw new ConflictError("The rollout moved meanwhile: try again");
      await recordEvent(tx, r, action, `${action === "pause" ? "Paused" : "Resumed"} ${by}`);
      return moved.row;
    }
    const variants = await variantsOf(tx, service.id);
    const pair = { service, baseline: variants.find((v) => v.name === r.baseline), candidate: variants.find((v) => v.name === r.candidate) };
    if (action === "promote" && !pair.candidate) throw new ConflictError("The candidate variant is gone: roll back instead");
    const reason = action === "promote" ? `Promoted ${by}` : `Rolled back ${by}`;
    if (!(await finish(tx, r, pair, action === "promote" ? "PROMOTED" : "ROLLED_BACK", actor, reason))) throw new ConflictError("The rollout moved meanwhile: try again");
    if (action === "rollback") alert = await rollbackAlert(tx, pair, r, reason);
    return rolloutRow(tx, service, rolloutId);
  });
  await deliverAlert(db, alert);
  forgetService(result.serviceId);
  wakeRunner();
  return result;
}

export async function listRollouts(db: DbOrTx, orgId: string, idOrName: string, limit = 20) {
  const service = await getServiceRow(db, orgId, idOrName);
  return db.select().from(serviceRollouts).where(and(eq(serviceRollouts.serviceId, service.id), eq(serviceRollouts.orgId, orgId))).orderBy(desc(serviceRollouts.createdAt)).limit(limit);
}

export async function getRollout(db: DbOrTx, orgId: string, idOrName: string, rolloutId: string) {
  const service = await getServiceRow(db, orgId, idOrName);
  const rollout = await rolloutRow(db, service, rolloutId);
  const events = await db.select().from(rolloutEvents).where(eq(rolloutEvents.rolloutId, rollout.id)).orderBy(asc(rolloutEvents.id));
  return { ...rollout, events };
}
