import { and, eq, gte, inArray, ne, sql } from "drizzle-orm";
import type { Db } from "@/server/db/client";
import { inferenceServices, serviceRollouts } from "@/server/db/schema";
import { log } from "@/server/log";
import { systemActor } from "@/server/tenancy/actor";
import { deliverAlert, raiseAlert } from "./alerts";
import { driftOf } from "./drift-monitor";
import { abAnalysis, promoteVariant, recordOutcome } from "./experiments";
import { rolloutLifecycle, type RolloutStatus } from "./rollout-lifecycle";
import { retireLoser } from "./rollout-steps";
import { DEFAULT_SLO } from "./rollout-input";
import { countersByVariant, judge, summarizeWindow } from "./window";

/**
 * What the runner watches on every live service, twice a minute: the SLO over the last five
 * minutes per variant, drift per variant, and an A/B test that may promote its winner by itself.
 * Alerts are deduplicated (one per condition per quarter hour) and delivered after they commit.
 */

const EVERY_MS = 30_000;
const SLO_WINDOW_MINUTES = 5;
const SLO_MIN_REQUESTS = 20;
let lastRun = 0;
let running = false;

/**
 * The runner's housekeeping calls this every pass; it starts a watch at most every 30 s per
 * process, in the background (webhooks may take seconds: runs and sweeps must not wait for them).
 */
export async function watchServicesThrottled(db: Db) {
  if (running || Date.now() - lastRun < EVERY_MS) return;
  lastRun = Date.now();
  running = true;
  void watchServices(db).catch((err) => log.warn("traffic watch failed", { err })).finally(() => { running = false; });
}

export async function watchServices(db: Db) {
  await closeOrphanedRollouts(db);
  await retireLosers(db);
  const services = await db.select().from(inferenceServices).where(ne(inferenceServices.status, "STOPPED"));
  for (const service of services) {
    try {
      const alerts: Array<number | null> = [];
      const slo = service.slo ?? DEFAULT_SLO;
      for (const [variant, counters] of await countersByVariant(db, service.id, new Date(Date.now() - SLO_WINDOW_MINUTES * 60_000))) {
        const verdict = judge(summarizeWindow(counters), slo, SLO_MIN_REQUESTS);
        if (verdict.kind === "breach") alerts.push(await raiseAlert(db, service, { kind: "slo", key: `slo:${variant}`, message: `${variant}: ${verdict.message} over the last ${SLO_WINDOW_MINUTES} minutes`, details: { variant, slo } }));
      }
      for (const d of await driftOf(db, service)) {
        if (d.drifted.length > 0) alerts.push(await raiseAlert(db, service, { kind: "drift", key: `drift:${d.variant}:${d.drifted.join(",")}`, message: `${d.variant}: ${d.drifted.join(", ")} drifted from ${d.reference}`, details: { variant: d.variant, features: d.features.filter((f) => f.drifted).map((f) => ({ feature: f.feature, ks: f.ks, psi: f.psi })) } }));
      }
      for (const id of alerts) await deliverAlert(db, id);
      if (service.experiment?.autoPromote && !service.experiment.outcome) await decideExperiment(db, service);
    } catch (err) {
      log.warn("traffic watch: a service's check failed", { serviceId: service.id, err });
    }
  }
}

/**
 * The A/B test decides once, when every comparison has reached its horizon: a significant winner
 * takes all the traffic, otherwise the baseline stays; either way the outcome is recorded and the
 * test stops being looked at (testing again as data grows would be peeking by another name).
 * Not while a rollout moves the traffic.
 */
async function decideExperiment(db: Db, service: typeof inferenceServices.$inferSelect) {
  if (await activeRollout(db, service.id)) return;
  const analysis = await abAnalysis(db, service.orgId, service.id);
  const live = analysis.comparisons.filter((c) => !analysis.shadows.includes(c.variant));
  if (live.length === 0 || live.some((c) => c.primary.status === "collecting" || c.primary.status === "no data")) return;
  const winners = live.filter((c) => c.primary.status === "significant" && c.primary.better === "variant").sort((a, b) => (a.primary.p ?? 1) - (b.primary.p ?? 1));
  const actor = systemActor("A/B test");
  if (winners.length > 0) return promoteVariant(db, service.orgId, actor, service.id, winners[0].variant, `${winners[0].verdict} Promoted automatically at the horizon.`);
  await recordOutcome(db, service, { variant: analysis.baseline, at: new Date().toISOString(), by: actor.label, kept: true, reason: `No variant beat ${analysis.baseline} significantly at the horizon: it stays.` });
}

const activeRollout = async (db: Db, serviceId: string) =>
  (await db.select({ id: serviceRollouts.id }).from(serviceRollouts).where(and(eq(serviceRollouts.serviceId, serviceId), inArray(serviceRollouts.status, ["PROGRESSING", "PAUSED"])))).length > 0;

/** A rollout of a deleted service has nothing left to move (a paused one is never claimed): it ends rolled back. */
async function closeOrphanedRollouts(db: Db) {
  const orphans = await db.select({ rollout: serviceRollouts }).from(serviceRollouts).innerJoin(inferenceServices, eq(inferenceServices.id, serviceRollouts.serviceId))
    .where(and(inArray(serviceRollouts.status, ["PROGRESSING", "PAUSED"]), eq(inferenceServices.status, "STOPPED")));
  for (const { rollout: r } of orphans) {
    await db.transaction((tx) => rolloutLifecycle.transition(tx, { id: r.id, orgId: r.orgId, from: r.status as RolloutStatus, to: "ROLLED_BACK", version: r.version, actor: systemActor("traffic watch"), reason: "The service was deleted", set: { statusMessage: "The service was deleted" } }));
  }
}

/**
 * A finished rollout keeps its losing variant (at weight 0, still answering when the kept one
 * cannot) until the kept variant has a ready replica; then it is removed.
 */
async function retireLosers(db: Db) {
  const recent = await db.select().from(serviceRollouts).where(and(inArray(serviceRollouts.status, ["PROMOTED", "ROLLED_BACK"]), gte(serviceRollouts.finishedAt, sql`now() - interval '1 day'`)));
  for (const r of recent) await retireLoser(db, r);
}
