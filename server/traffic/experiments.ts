import { and, eq, gte, sql } from "drizzle-orm";
import { z } from "zod";
import type { Db, DbOrTx } from "@/server/db/client";
import { inferenceServices, serviceFeedback, serviceStats, serviceVariants, type Experiment } from "@/server/db/schema";
import { ValidationError } from "@/server/errors";
import { forgetService } from "@/server/inference/gateway-state";
import { getServiceRow, variantsOf, type Service } from "@/server/inference/service-rows";
import { assertNoRollout, changed, liveService } from "@/server/inference/variants";
import { wakeRunner } from "@/server/runner/wake";
import type { Actor } from "@/server/tenancy/actor";
import { recordAudit } from "@/server/tenancy/audit";
import { compareVariants, DEFAULT_EXPERIMENT, type VariantData } from "./ab-analysis";

/**
 * A service's A/B test: its settings, the analysis over its window (from the service's stats and
 * feedback), promoting the winner — by hand, or by itself when the test says so at its horizon.
 */

export const experimentSchema = z.object({
  metric: z.enum(["success", "latency", "ttft", "thumbs", "score"]).default("success"),
  /** The smallest relative change worth detecting (0.1 = 10 %): it sets the horizon. */
  minimumEffect: z.number().min(0.005).max(10).default(0.1),
  alpha: z.number().min(0.001).max(0.2).default(0.05),
  power: z.number().min(0.5).max(0.99).default(0.8),
  autoPromote: z.boolean().default(false),
}).strict();

/** Starts (or restarts) the test: the window begins now. */
export async function setExperiment(db: Db, orgId: string, actor: Actor, idOrName: string, raw: unknown) {
  const input = raw === null ? null : experimentSchema.parse(raw);
  const s = await getServiceRow(db, orgId, idOrName);
  const experiment: Experiment | null = input ? { ...input, startedAt: new Date().toISOString() } : null;
  await db.update(inferenceServices).set({ experiment }).where(and(eq(inferenceServices.id, s.id), eq(inferenceServices.orgId, orgId)));
  await recordAudit(db, { orgId, actor, action: "inference_service.experiment", targetType: "inference_service", targetId: s.id, details: { experiment } });
  return experiment;
}

/** The window: the experiment's start, or the newest variant's arrival (when the comparison became possible). */
async function windowStart(service: Service, variants: Array<{ createdAt: Date }>, since?: string): Promise<Date> {
  if (since) {
    const at = new Date(since);
    if (Number.isNaN(at.getTime())) throw new ValidationError("since is a date-time such as 2026-11-25T10:00:00Z");
    return at;
  }
  if (service.experiment) return new Date(service.experiment.startedAt);
  return new Date(Math.max(...variants.map((v) => v.createdAt.getTime())));
}

export async function abAnalysis(db: DbOrTx, orgId: string, idOrName: string, opts: { since?: string } = {}) {
  const service = await getServiceRow(db, orgId, idOrName);
  const variants = await variantsOf(db, service.id);
  const start = await windowStart(service, variants, opts.since);
  const experiment = { ...DEFAULT_EXPERIMENT, ...service.experiment };
  const data = await variantData(db, service.id, variants.map((v) => v.name), start);
  // The baseline: the oldest variant that takes traffic (the one the others would replace).
  const baseline = variants.find((v) => v.weight > 0 && v.shadowPercent === 0) ?? variants[0];
  const others = variants.filter((v) => v.id !== baseline.id);
  const comparisons = compareVariants(data.get(baseline.name)!, others.map((v) => data.get(v.name)!), experiment);
  return {
    since: start.toISOString(), experiment: service.experiment, settings: experiment, baseline: baseline.name, shadows: variants.filter((v) => v.shadowPercent > 0).map((v) => v.name),
    variants: [...data.values()].map((d) => ({ name: d.name, requests: d.requests, errors: d.errors, latencyMean: d.latency.n ? d.latency.sum / d.latency.n : null, ttftMean: d.ttft.n ? d.ttft.sum / d.ttft.n : null, thumbs: d.thumbs, scores: d.scores.length })),
    comparisons,
  };
}

async function variantData(db: DbOrTx, serviceId: string, names: string[], since: Date): Promise<Map<string, VariantData>> {
  const [stats, feedback] = await Promise.all([
    db.select().from(serviceStats).where(and(eq(serviceStats.serviceId, serviceId), gte(serviceStats.minute, sql`date_trunc('minute', ${since.toISOString()}::timestamptz)`))),
    db.select({ variant: serviceFeedback.variant, kind: serviceFeedback.kind, value: serviceFeedback.value }).from(serviceFeedback).where(and(eq(serviceFeedback.serviceId, serviceId), gte(serviceFeedback.at, since))),
  ]);
  const out = new Map<string, VariantData>();
  for (const name of names) {
    const mine = stats.filter((m) => m.variant === name);
    // Minutes recorded before the sums were kept have none: they count for rates, not for means.
    const summed = mine.filter((m) => m.latencySum > 0 || m.requests === 0);
    const sumHist = (k: "latency" | "ttft") => mine.reduce<number[]>((a, m) => m[k].map((c, i) => c + (a[i] ?? 0)), []);
    const fb = feedback.filter((f) => f.variant === name);
    const thumbs = fb.filter((f) => f.kind === "thumb");
    out.set(name, {
      name, requests: mine.reduce((a, m) => a + m.requests, 0), errors: mine.reduce((a, m) => a + m.errors, 0),
      latency: { n: summed.reduce((a, m) => a + m.requests, 0), sum: summed.reduce((a, m) => a + m.latencySum, 0), sumSq: summed.reduce((a, m) => a + m.latencySumSq, 0), histogram: sumHist("latency") },
      ttft: { n: summed.reduce((a, m) => a + m.ttft.reduce((x, c) => x + c, 0), 0), sum: summed.reduce((a, m) => a + m.ttftSum, 0), sumSq: summed.reduce((a, m) => a + m.ttftSumSq, 0), histogram: sumHist("ttft") },
      thumbs: { up: thumbs.filter((f) => f.value === 1).length, n: thumbs.length },
      scores: fb.filter((f) => f.kind === "score").map((f) => f.value),
    });
  }
  return out;
}

/** Applies the winner: all the traffic to it, none to the others (they stay, to roll back to); the test is over. */
export async function promoteVariant(db: Db, orgId: string, actor: Actor, idOrName: string, variant: string, reason = `promoted by ${actor.label}`) {
  const serviceId = await db.transaction(async (tx) => {
    const s = await liveService(tx, orgId, idOrName);
    const all = await variantsOf(tx, s.id);
    await assertNoRollout(tx, s.id);
    const winner = all.find((v) => v.name === variant);
    if (!winner) throw new ValidationError(`No variant named "${variant}"`);
    if (winner.shadowPercent > 0) throw new ValidationError("A shadow takes no live traffic: set its shadow share to 0 first");
    for (const v of all) if (v.shadowPercent === 0) await tx.update(serviceVariants).set({ weight: v.id === winner.id ? 100 : 0 }).where(eq(serviceVariants.id, v.id));
    if (s.experiment) await recordOutcome(tx, s, { variant, at: new Date().toISOString(), by: actor.label, reason });
    await changed(tx, s);
    await recordAudit(tx, { orgId, actor, action: "inference_service.promote", targetType: "inference_service", targetId: s.id, details: { variant, reason } });
    return s.id;
  });
  forgetService(serviceId);
  wakeRunner();
}

/** The test's decision, kept on the service: it is not looked at again until the test restarts. */
export async function recordOutcome(db: DbOrTx, s: Service, outcome: NonNullable<Experiment["outcome"]>) {
  if (!s.experiment) return;
  await db.update(inferenceServices).set({ experiment: { ...s.experiment, outcome } }).where(eq(inferenceServices.id, s.id));
}
