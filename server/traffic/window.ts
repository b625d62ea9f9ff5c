import { and, eq, gte } from "drizzle-orm";
import type { DbOrTx } from "@/server/db/client";
import { serviceStats, type ServiceSlo, type VariantCounters } from "@/server/db/schema";
import { BUCKETS_MS } from "@/server/inference/gateway-state";
import { histogramQuantile } from "@/server/inference/histogram";

export { histogramQuantile };

/**
 * A variant's traffic over a window, read as the difference of its cumulative counters at two
 * moments: exact to the gateway's one-second flush, whatever the minute rows' boundaries.
 */

const zeros = () => new Array<number>(BUCKETS_MS.length + 1).fill(0);

/** Each variant's counters summed from the minute of `since` on: two readings with the same `since` subtract exactly. */
export async function countersByVariant(db: DbOrTx, serviceId: string, since: Date, variant?: string): Promise<Map<string, VariantCounters>> {
  const from = new Date(Math.floor(since.getTime() / 60_000) * 60_000);
  const rows = await db.select({ variant: serviceStats.variant, requests: serviceStats.requests, errors: serviceStats.errors, latency: serviceStats.latency, ttft: serviceStats.ttft })
    .from(serviceStats).where(and(eq(serviceStats.serviceId, serviceId), gte(serviceStats.minute, from), variant === undefined ? undefined : eq(serviceStats.variant, variant)));
  const out = new Map<string, VariantCounters>();
  for (const r of rows) {
    const total = out.get(r.variant) ?? { requests: 0, errors: 0, latency: zeros(), ttft: zeros() };
    total.requests += r.requests;
    total.errors += r.errors;
    total.latency = total.latency.map((v, i) => v + (r.latency[i] ?? 0));
    total.ttft = total.ttft.map((v, i) => v + (r.ttft[i] ?? 0));
    out.set(r.variant, total);
  }
  return out;
}

export const countersOf = async (db: DbOrTx, serviceId: string, variant: string, since: Date): Promise<VariantCounters> =>
  (await countersByVariant(db, serviceId, since, variant)).get(variant) ?? { requests: 0, errors: 0, latency: zeros(), ttft: zeros() };

export function difference(now: VariantCounters, before: VariantCounters | null): VariantCounters {
  if (!before) return now;
  return {
    requests: now.requests - before.requests, errors: now.errors - before.errors,
    latency: now.latency.map((v, i) => v - (before.latency[i] ?? 0)), ttft: now.ttft.map((v, i) => v - (before.ttft[i] ?? 0)),
  };
}

export interface WindowSummary { requests: number; errors: number; errorRate: number | null; p95LatencyMs: number | null; p95TtftMs: number | null }

export function summarizeWindow(w: VariantCounters): WindowSummary {
  return {
    requests: w.requests, errors: w.errors, errorRate: w.requests > 0 ? w.errors / w.requests : null,
    p95LatencyMs: histogramQuantile(w.latency, 0.95), p95TtftMs: histogramQuantile(w.ttft, 0.95),
  };
}

export type Verdict = { kind: "pass"; message: string } | { kind: "breach"; message: string } | { kind: "wait"; message: string };

const pct = (x: number) => `${(x * 100).toFixed(x < 0.1 ? 1 : 0)} %`;

/**
 * The SLO check of one window. Too few requests to judge ⇒ wait, except when the errors already
 * seen breach the error-rate limit even if every request still to come succeeded.
 */
export function judge(w: WindowSummary, slo: ServiceSlo, minRequests: number): Verdict {
  const breaches: string[] = [];
  if (slo.maxErrorRate !== undefined && w.errorRate !== null && w.errorRate > slo.maxErrorRate) {
    const certain = w.errors > slo.maxErrorRate * Math.max(minRequests, w.requests);
    if (w.requests >= minRequests || certain) breaches.push(`error rate ${pct(w.errorRate)} > ${pct(slo.maxErrorRate)} (${w.errors} of ${w.requests})`);
  }
  if (w.requests < minRequests && breaches.length === 0) return { kind: "wait", message: `${w.requests} of the ${minRequests} requests an analysis needs` };
  if (slo.maxP95LatencyMs !== undefined && w.p95LatencyMs !== null && w.p95LatencyMs > slo.maxP95LatencyMs) breaches.push(`p95 latency ≈ ${w.p95LatencyMs} ms > ${slo.maxP95LatencyMs} ms`);
  if (slo.maxP95TtftMs !== undefined && w.p95TtftMs !== null && w.p95TtftMs > slo.maxP95TtftMs) breaches.push(`p95 time to first token ≈ ${w.p95TtftMs} ms > ${slo.maxP95TtftMs} ms`);
  if (breaches.length > 0) return { kind: "breach", message: `SLO breached: ${breaches.join("; ")}` };
  const held = [
    w.errorRate !== null ? `error rate ${pct(w.errorRate)}` : null,
    w.p95LatencyMs !== null ? `p95 latency ≈ ${w.p95LatencyMs} ms` : null,
    w.p95TtftMs !== null ? `p95 TTFT ≈ ${w.p95TtftMs} ms` : null,
  ].filter(Boolean);
  return { kind: "pass", message: `SLO held over ${w.requests} requests: ${held.join(", ")}` };
}
