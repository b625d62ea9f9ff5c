import { and, eq, gte, inArray, sql } from "drizzle-orm";
import type { DbOrTx } from "@/server/db/client";
import { serviceRollouts, serviceScalingEvents, serviceStats, serviceVariants } from "@/server/db/schema";
import { recommend, signalOf, stabilize, trimHistory } from "./autoscaling";
import { BUCKETS_MS } from "./gateway-state";
import { histogramQuantile } from "./histogram";
import type { Replica, Service, Variant } from "./service-rows";

/**
 * The autoscaler, run by the service's controller at each check (every 5 s): per variant, the
 * policy's signal → a recommendation → stabilised → the variant's replicas, which the process
 * and kubernetes backends then start or stop. Each change, and each recommendation held back by
 * a window, is recorded with its reason. Returns whether any variant changed.
 */
export async function autoscale(db: DbOrTx, service: Service, variants: Variant[], replicas: Replica[]): Promise<boolean> {
  const policy = service.autoscaling;
  if (!policy || service.backend === "vllm") return false;
  // A rollout moves replicas itself (rolling): the two would fight.
  const [rolling] = await db.select({ id: serviceRollouts.id }).from(serviceRollouts).where(and(eq(serviceRollouts.serviceId, service.id), inArray(serviceRollouts.status, ["PROGRESSING", "PAUSED"])));
  if (rolling) return false;
  let changed = false;
  const now = Date.now();
  for (const v of variants) {
    if (v.weight === 0 && v.shadowPercent === 0) continue; // no traffic, nothing to follow
    const mine = replicas.filter((r) => r.variantId === v.id).map((r) => ({ ready: r.state === "ready", running: r.running, waiting: r.waiting, kvCacheUsage: r.kvCacheUsage }));
    const value = policy.metric === "ttft" ? await recentTtftP95(db, service.id, v.name) : signalOf(policy.metric, mine);
    const current = v.replicas;
    const recommended = recommend(policy, current, value);
    const history = [...trimHistory(v.recommendations, now, policy), { at: now, replicas: recommended }];
    const desired = stabilize(history, now, current, policy);
    const previous = v.recommendations.at(-1)?.replicas;
    // Only if nobody changed the count meanwhile (a person, a rollout starting): theirs wins.
    const [written] = await db.update(serviceVariants).set({ recommendations: history, ...(desired !== current ? { replicas: desired } : {}) })
      .where(and(eq(serviceVariants.id, v.id), eq(serviceVariants.replicas, current))).returning({ id: serviceVariants.id });
    if (!written) continue;
    const shown = value === null ? "no reading" : policy.metric === "kv_cache" ? `${(value * 100).toFixed(0)} %` : policy.metric === "ttft" ? `${Math.round(value)} ms` : value.toFixed(1);
    const per = policy.metric === "ttft" ? "p95 time to first token" : `${policy.metric.replace("_", "-")} per replica`;
    if (desired !== current) {
      changed = true;
      await db.insert(serviceScalingEvents).values({ orgId: service.orgId, serviceId: service.id, variant: v.name, metric: policy.metric, value, target: policy.target, current, recommended, desired, applied: true,
        reason: `${per} ${shown} vs target ${policy.target}: ${desired > current ? "scaled up" : "scaled down"} ${current} → ${desired}` });
    } else if (recommended !== current && recommended !== previous) {
      const window = recommended > current ? policy.scaleUpWindowSeconds : policy.scaleDownWindowSeconds;
      await db.insert(serviceScalingEvents).values({ orgId: service.orgId, serviceId: service.id, variant: v.name, metric: policy.metric, value, target: policy.target, current, recommended, desired, applied: false,
        reason: `${per} ${shown} vs target ${policy.target} asks for ${recommended}; held at ${current} until the ${window} s ${recommended > current ? "scale-up" : "scale-down"} window agrees` });
    }
  }
  return changed;
}

/** The variant's p95 TTFT over the last two minutes of gateway stats, or null without any. */
async function recentTtftP95(db: DbOrTx, serviceId: string, variant: string): Promise<number | null> {
  const rows = await db.select({ ttft: serviceStats.ttft }).from(serviceStats)
    .where(and(eq(serviceStats.serviceId, serviceId), eq(serviceStats.variant, variant), gte(serviceStats.minute, sql`now() - interval '2 minutes'`)));
  const counts = new Array<number>(BUCKETS_MS.length + 1).fill(0);
  for (const r of rows) r.ttft.forEach((c, i) => (counts[i] += c));
  return histogramQuantile(counts, 0.95);
}

export const scalingEventsOf = (db: DbOrTx, serviceId: string, limit = 200) =>
  db.select().from(serviceScalingEvents).where(eq(serviceScalingEvents.serviceId, serviceId)).orderBy(sql`${serviceScalingEvents.at} desc, ${serviceScalingEvents.id} desc`).limit(limit);
