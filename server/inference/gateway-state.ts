import { and, eq, sql } from "drizzle-orm";
import type { Db, DbOrTx } from "@/server/db/client";
import { inferenceServices, serviceReplicas, serviceRequests, serviceStats, serviceVariants } from "@/server/db/schema";
import { log } from "@/server/log";

/**
 * What the gateway keeps in memory, per process: requests in flight per replica, recent
 * outcomes (a replica failing over half of at least 4 calls in a minute cools down for 30 s),
 * which replica served a prompt prefix, a 1-second cache of services and replicas, and the
 * stats and sampled requests waiting to be written (once a second, off the request's path).
 */

type ServiceRow = typeof inferenceServices.$inferSelect;
type ReplicaRow = typeof serviceReplicas.$inferSelect;
type VariantRow = typeof serviceVariants.$inferSelect;

const COOLDOWN_MS = 30_000;
const WINDOW_MS = 60_000;
const CACHE_MS = 1000;
const AFFINITY_ENTRIES = 10_000;
const SAMPLED_PER_MINUTE = 20;
/** Latency and TTFT histogram bounds (ms); the last bucket is everything above. */
export const BUCKETS_MS = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000, 30_000];

/** Outcomes are counted per second (at most 60 entries): a busy replica's minute is thousands of calls. */
interface Runtime { outstanding: number; outcomes: Array<{ second: number; ok: number; failed: number }>; coolUntil: number }
interface GatewayState { runtime: Map<string, Runtime>; cache: Map<string, { at: number; service: ServiceRow; variants: VariantRow[]; replicas: ReplicaRow[] }>; affinity: Map<string, string>; pending: Map<string, Pending>; timer?: NodeJS.Timeout }
const g = globalThis as unknown as { __anvilGateway?: GatewayState };
const state: GatewayState = (g.__anvilGateway ??= { runtime: new Map(), cache: new Map(), affinity: new Map(), pending: new Map() });

export function runtimeOf(replicaId: string): Runtime {
  let r = state.runtime.get(replicaId);
  if (!r) state.runtime.set(replicaId, (r = { outstanding: 0, outcomes: [], coolUntil: 0 }));
  return r;
}

export function began(replicaId: string) {
  runtimeOf(replicaId).outstanding++;
}

/** One call's end: counted toward the replica's failure rate; over half failing cools it down. */
export function ended(replicaId: string, ok: boolean, counted = true) {
  const r = runtimeOf(replicaId);
  r.outstanding = Math.max(0, r.outstanding - 1);
  if (!counted) return;
  const now = Date.now();
  const second = Math.floor(now / 1000);
  while (r.outcomes.length > 0 && (second - r.outcomes[0].second) * 1000 >= WINDOW_MS) r.outcomes.shift();
  let last = r.outcomes.at(-1);
  if (last?.second !== second) r.outcomes.push((last = { second, ok: 0, failed: 0 }));
  if (ok) last.ok++;
  else last.failed++;
  let calls = 0, failed = 0;
  for (const o of r.outcomes) { calls += o.ok + o.failed; failed += o.failed; }
  if (calls >= 4 && failed * 2 > calls) {
    r.coolUntil = now + COOLDOWN_MS;
    r.outcomes = [];
    log.warn("gateway: replica cooled down (over half of its calls failed in a minute)", { replicaId });
  }
}

export const coolingDown = (replicaId: string) => runtimeOf(replicaId).coolUntil > Date.now();

export function affinityOf(serviceId: string, prefix: string | null): string | null {
  return prefix ? state.affinity.get(`${serviceId}\u0000${prefix}`) ?? null : null;
}

export function remember(serviceId: string, prefix: string | null, replicaId: string) {
  if (!prefix) return;
  const key = `${serviceId}\u0000${prefix}`;
  state.affinity.delete(key);
  state.affinity.set(key, replicaId);
  if (state.affinity.size > AFFINITY_ENTRIES) state.affinity.delete(state.affinity.keys().next().value!);
}

/** The service by name with its variants and replicas, from a cache at most a second old. */
export async function loadService(db: DbOrTx, orgId: string, name: string) {
  const key = `${orgId}\u0000${name}`;
  const hit = state.cache.get(key);
  if (hit && Date.now() - hit.at < CACHE_MS) return hit;
  const [service] = await db.select().from(inferenceServices).where(and(eq(inferenceServices.orgId, orgId), eq(inferenceServices.name, name)));
  if (!service) return null;
  const [variants, replicas] = await Promise.all([
    db.select().from(serviceVariants).where(eq(serviceVariants.serviceId, service.id)).orderBy(serviceVariants.createdAt),
    db.select().from(serviceReplicas).where(eq(serviceReplicas.serviceId, service.id)),
  ]);
  const entry = { at: Date.now(), service, variants, replicas };
  state.cache.set(key, entry);
  return entry;
}

export function forgetService(serviceId: string) {
  for (const [k, v] of state.cache) if (v.service.id === serviceId) state.cache.delete(k);
}

export interface Sample {
  path: string; status: number; replica: string | null; stream: boolean; latencyMs: number; ttftMs: number | null;
  promptTokens: number | null; completionTokens: number | null; error: string | null; attempts: number;
}

interface Pending { orgId: string; serviceId: string; variant: string; minute: number; requests: number; errors: number; promptTokens: number; completionTokens: number; latency: number[]; ttft: number[]; sums: Sums; samples: Sample[] }
/** Sums and sums of squares of latency and TTFT (ms), for means and variances. */
interface Sums { latencySum: number; latencySumSq: number; ttftSum: number; ttftSumSq: number }

const bucketOf = (ms: number) => { const i = BUCKETS_MS.findIndex((b) => ms <= b); return i < 0 ? BUCKETS_MS.length : i; };

/** Counts a request in its variant's current minute; the first 20 of a minute are kept whole. */
export function record(db: Db, orgId: string, serviceId: string, variant: string, s: Sample) {
  const minute = Math.floor(Date.now() / 60_000) * 60_000;
  const key = `${serviceId}\u0000${variant}\u0000${minute}`;
  let p = state.pending.get(key);
  if (!p) state.pending.set(key, (p = { orgId, serviceId, variant, minute, requests: 0, errors: 0, promptTokens: 0, completionTokens: 0, latency: new Array(BUCKETS_MS.length + 1).fill(0), ttft: new Array(BUCKETS_MS.length + 1).fill(0), sums: { latencySum: 0, latencySumSq: 0, ttftSum: 0, ttftSumSq: 0 }, samples: [] }));
  p.requests++;
  if (s.error || s.status >= 500) p.errors++;
  p.promptTokens += s.promptTokens ?? 0;
  p.completionTokens += s.completionTokens ?? 0;
  p.latency[bucketOf(s.latencyMs)]++;
  p.sums.latencySum += s.latencyMs;
  p.sums.latencySumSq += s.latencyMs * s.latencyMs;
  if (s.ttftMs !== null) {
    p.ttft[bucketOf(s.ttftMs)]++;
    p.sums.ttftSum += s.ttftMs;
    p.sums.ttftSumSq += s.ttftMs * s.ttftMs;
  }
  if (p.samples.length < SAMPLED_PER_MINUTE) p.samples.push(s);
  state.timer ??= setInterval(() => void flushGatewayStats(db).catch((err) => log.warn("gateway: writing stats failed", { err })), 1000).unref();
}

/** Writes what was recorded: each minute's counts added to its row (under the row's lock), the samples inserted. */
export async function flushGatewayStats(db: Db) {
  const batch = [...state.pending.entries()];
  state.pending.clear();
  let failure: unknown = null;
  for (const [key, p] of batch) {
    await db.transaction(async (tx) => {
      const minute = new Date(p.minute);
      const zeros = new Array(BUCKETS_MS.length + 1).fill(0);
      await tx.insert(serviceStats).values({ serviceId: p.serviceId, variant: p.variant, minute, orgId: p.orgId, latency: zeros, ttft: zeros }).onConflictDoNothing();
      const here = and(eq(serviceStats.serviceId, p.serviceId), eq(serviceStats.variant, p.variant), eq(serviceStats.minute, minute));
      const [row] = await tx.select().from(serviceStats).where(here).for("update");
      const add = (a: number[], b: number[]) => b.map((v, i) => v + (a[i] ?? 0));
      await tx.update(serviceStats).set({
        requests: sql`${serviceStats.requests} + ${p.requests}`, errors: sql`${serviceStats.errors} + ${p.errors}`,
        promptTokens: sql`${serviceStats.promptTokens} + ${p.promptTokens}`, completionTokens: sql`${serviceStats.completionTokens} + ${p.completionTokens}`,
        latency: add(row.latency, p.latency), ttft: add(row.ttft, p.ttft),
        latencySum: sql`${serviceStats.latencySum} + ${p.sums.latencySum}`, latencySumSq: sql`${serviceStats.latencySumSq} + ${p.sums.latencySumSq}`,
        ttftSum: sql`${serviceStats.ttftSum} + ${p.sums.ttftSum}`, ttftSumSq: sql`${serviceStats.ttftSumSq} + ${p.sums.ttftSumSq}`,
      }).where(here);
      if (p.samples.length > 0) {
        await tx.insert(serviceRequests).values(p.samples.map((s) => ({
          orgId: p.orgId, serviceId: p.serviceId, variant: p.variant, path: s.path, status: s.status, replica: s.replica, stream: s.stream ? "yes" as const : "no" as const,
          latencyMs: s.latencyMs, ttftMs: s.ttftMs, promptTokens: s.promptTokens, completionTokens: s.completionTokens, error: s.error?.slice(0, 500) ?? null, attempts: s.attempts,
        })));
      }
    }).catch((err: unknown) => {
      // Kept for the next flush (merged with what came meanwhile), not dropped.
      const later = state.pending.get(key);
      if (later) {
        later.requests += p.requests; later.errors += p.errors; later.promptTokens += p.promptTokens; later.completionTokens += p.completionTokens;
        later.latency = later.latency.map((v, i) => v + p.latency[i]); later.ttft = later.ttft.map((v, i) => v + p.ttft[i]);
        for (const k of Object.keys(p.sums) as Array<keyof Sums>) later.sums[k] += p.sums[k];
      } else state.pending.set(key, p);
      failure ??= err;
    });
  }
  if (failure) throw failure;
}
