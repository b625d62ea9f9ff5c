import { and, eq, gte, ne, sql } from "drizzle-orm";
import type { Db } from "@/server/db/client";
import { inferenceServices, serviceStats } from "@/server/db/schema";
import { log } from "@/server/log";
import { systemActor } from "@/server/tenancy/actor";
import { deliverAlert, raiseAlert } from "./alerts";
import { driftOf } from "./drift-monitor";
import { abAnalysis, promoteVariant } from "./experiments";
import { DEFAULT_SLO } from "./rollout-input";
import { judge, summarizeWindow } from "./window";
import type { VariantCounters } from "@/server/db/schema";

/**
 * What the runner watches on every live service, twice a minute: the SLO over the last five
 * minutes per variant, drift per variant, and an A/B test that may promote its winner by itself.
 * Alerts are deduplicated (one per condition per quarter hour) and delivered after they commit.
 */

const EVERY_MS = 30_000;
const SLO_WINDOW_MINUTES = 5;
const SLO_MIN_REQUESTS = 20;
let lastRun = 0;

/** The runner's housekeeping calls this every pass; it does its work at most every 30 s per process. */
export async function watchServicesThrottled(db: Db) {
  if (Date.now() - lastRun < EVERY_MS) return;
  lastRun = Date.now();
  await watchServices(db);
}

export async function watchServices(db: Db) {
  const services = await db.select().from(inferenceServices).where(ne(inferenceServices.status, "STOPPED"));
  for (const service of services) {
    try {
      const alerts: Array<number | null> = [];
      const slo = service.slo ?? DEFAULT_SLO;
      for (const [variant, counters] of await recentCounters(db, service.id)) {
        const verdict = judge(summarizeWindow(counters), slo, SLO_MIN_REQUESTS);
        if (verdict.kind === "breach") alerts.push(await raiseAlert(db, service, { kind: "slo", key: `slo:${variant}`, message: `${variant}: ${verdict.message} over the last ${SLO_WINDOW_MINUTES} minutes`, details: { variant, slo } }));
      }
      for (const d of await driftOf(db, service)) {
        if (d.drifted.length > 0) alerts.push(await raiseAlert(db, service, { kind: "drift", key: `drift:${d.variant}:${d.drifted.join(",")}`, message: `${d.variant}: ${d.drifted.join(", ")} drifted from ${d.reference}`, details: { variant: d.variant, features: d.features.filter((f) => f.drifted).map((f) => ({ feature: f.feature, ks: f.ks, psi: f.psi })) } }));
      }
      for (const id of alerts) await deliverAlert(db, id);
      if (service.experiment?.autoPromote && !service.experiment.outcome) await autoPromote(db, service);
    } catch (err) {
      log.warn("traffic watch: a service's check failed", { serviceId: service.id, err });
    }
  }
}

async function recentCounters(db: Db, serviceId: string): Promise<Map<string, VariantCounters>> {
  const rows = await db.select().from(serviceStats).where(and(eq(serviceStats.serviceId, serviceId), gte(serviceStats.minute, sql`now() - make_interval(mins => ${SLO_WINDOW_MINUTES})`)));
  const out = new Map<string, VariantCounters>();
  for (const r of rows) {
    const c = out.get(r.variant);
    out.set(r.variant, c ? { requests: c.requests + r.requests, errors: c.errors + r.errors, latency: r.latency.map((v, i) => v + (c.latency[i] ?? 0)), ttft: r.ttft.map((v, i) => v + (c.ttft[i] ?? 0)) }
      : { requests: r.requests, errors: r.errors, latency: r.latency, ttft: r.ttft });
  }
  return out;
}

/** A significant winner at the horizon takes all the traffic; the reason names the test. */
async function autoPromote(db: Db, service: typeof inferenceServices.$inferSelect) {
  const analysis = await abAnalysis(db, service.orgId, service.id);
  const winners = analysis.comparisons.filter((c) => c.primary.status === "significant" && c.primary.better === "variant");
  if (winners.length === 0) return;
  const best = winners.sort((a, b) => (a.primary.p ?? 1) - (b.primary.p ?? 1))[0];
  await promoteVariant(db, service.orgId, systemActor("A/B test"), service.id, best.variant, `${best.verdict} Promoted automatically at the horizon.`);
}
