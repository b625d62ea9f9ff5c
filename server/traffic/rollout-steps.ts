import { and, eq, sql } from "drizzle-orm";
import type { DbOrTx } from "@/server/db/client";
import { inferenceServices, rolloutEvents, serviceReplicas, serviceRollouts, serviceVariants } from "@/server/db/schema";
import { changed, dropVariant } from "@/server/inference/variants";
import type { Service, Variant } from "@/server/inference/service-rows";
import type { Actor } from "@/server/tenancy/actor";
import { raiseAlert } from "./alerts";
import { rolloutLifecycle, type Rollout, type RolloutStatus } from "./rollout-lifecycle";
import { countersOf } from "./window";

/**
 * What a rollout does to its service, in the caller's transaction (the service row locked):
 * set a step's split, promote, roll back. Shared by the runner and by people's actions, so a
 * promotion by hand and one by analysis are the same writes.
 */

export type EventKind = (typeof rolloutEvents.$inferSelect)["kind"];

export async function recordEvent(tx: DbOrTx, r: Rollout, kind: EventKind, message: string, extra: { weight?: number; metrics?: Record<string, unknown> } = {}) {
  await tx.insert(rolloutEvents).values({ orgId: r.orgId, rolloutId: r.id, kind, message, weight: extra.weight ?? null, metrics: extra.metrics ?? null });
}

export interface Pair { service: Service; baseline: Variant; candidate: Variant }

async function setVariant(tx: DbOrTx, v: Variant, set: { weight?: number; replicas?: number }) {
  await tx.update(serviceVariants).set(set).where(eq(serviceVariants.id, v.id));
}

/** The split of step `i`: the candidate's share, and (rolling) the replicas handed over. */
export async function applyStep(tx: DbOrTx, r: Rollout, p: Pair, i: number) {
  const step = r.steps[i];
  await setVariant(tx, p.candidate, { weight: step.weight, ...(step.candidateReplicas !== undefined ? { replicas: step.candidateReplicas } : {}) });
  await setVariant(tx, p.baseline, { weight: 100 - step.weight, ...(step.candidateReplicas !== undefined ? { replicas: Math.max(0, r.baselineReplicas - step.candidateReplicas) } : {}) });
  await changed(tx, p.service);
}

/** The counters a step's analysis starts from, and when it started (the counters count from that minute on). */
export async function stepStart(tx: DbOrTx, r: Rollout, candidate: string) {
  const at = new Date();
  return { stepStartedAt: at, stepCounters: await countersOf(tx, r.serviceId, candidate, at) };
}

/**
 * Moves the rollout to its end: PROMOTED gives the candidate all the traffic (and, rolling, all
 * the replicas), ROLLED_BACK gives the baseline its traffic and replicas back. The loser goes to
 * weight 0 and is removed once the kept variant has a ready replica — until then it still answers
 * (a variant at weight 0 serves when no weighted one can), so nobody gets a 503 while, say, a
 * rolled-back baseline's replicas start again. Stats stay, by variant name. False when someone
 * else moved the rollout first.
 */
export async function finish(tx: DbOrTx, r: Rollout, p: Partial<Pair> & { service: Service }, to: "PROMOTED" | "ROLLED_BACK", actor: Actor, reason: string, leaseOwner?: string): Promise<boolean> {
  const moved = await rolloutLifecycle.transition(tx, { id: r.id, orgId: r.orgId, from: r.status as RolloutStatus, to, version: r.version, leaseOwner, actor, reason, set: { statusMessage: reason } });
  if (!moved.ok) return false;
  const [keep, lose] = to === "PROMOTED" ? [p.candidate, p.baseline] : [p.baseline, p.candidate];
  if (keep) await setVariant(tx, keep, { weight: 100, ...(r.strategy === "rolling" ? { replicas: Math.max(1, r.baselineReplicas) } : {}) });
  if (lose) await setVariant(tx, lose, { weight: 0 });
  await changed(tx, p.service);
  await recordEvent(tx, r, to === "PROMOTED" ? "promote" : "rollback", reason, { weight: to === "PROMOTED" ? 100 : 0 });
  if (keep && lose) await retireLoser(tx, moved.row as Rollout);
  return true;
}

/** Removes a finished rollout's losing variant once the kept one can answer (at once when it already can). */
export async function retireLoser(tx: DbOrTx, r: Rollout) {
  const [keepName, loseName] = r.status === "PROMOTED" ? [r.candidate, r.baseline] : [r.baseline, r.candidate];
  const [service] = await tx.select().from(inferenceServices).where(eq(inferenceServices.id, r.serviceId));
  if (!service || service.status === "STOPPED") return;
  const variants = await tx.select().from(serviceVariants).where(eq(serviceVariants.serviceId, r.serviceId));
  const keep = variants.find((v) => v.name === keepName);
  const lose = variants.find((v) => v.name === loseName);
  if (!keep || !lose || lose.weight > 0) return; // someone gave it traffic again: theirs now
  const ready = await tx.select({ id: serviceReplicas.id }).from(serviceReplicas).where(and(eq(serviceReplicas.variantId, keep.id), eq(serviceReplicas.state, "ready"))).limit(1);
  if (ready.length === 0) return;
  await dropVariant(tx, service, lose);
  await changed(tx, service);
}

/** The rollback alert, raised in the same transaction (delivered after it commits). */
export const rollbackAlert = (tx: DbOrTx, p: { service: Service }, r: Rollout, reason: string) =>
  raiseAlert(tx, p.service, { kind: "rollback", key: `rollback:${r.id}`, message: `Rollout of ${r.candidate} rolled back: ${reason}`, details: { rolloutId: r.id, candidate: r.candidate, baseline: r.baseline } });

/** A step forward without a status change: compare-and-set on the version the runner holds. */
export async function advance(tx: DbOrTx, r: Rollout, owner: string, set: Partial<Record<keyof Rollout, unknown>>): Promise<number | null> {
  const [row] = await tx.update(serviceRollouts).set({ ...set, version: sql`${serviceRollouts.version} + 1` } as never)
    .where(and(eq(serviceRollouts.id, r.id), eq(serviceRollouts.version, r.version), eq(serviceRollouts.leaseOwner, owner))).returning({ version: serviceRollouts.version });
  return row?.version ?? null;
}
