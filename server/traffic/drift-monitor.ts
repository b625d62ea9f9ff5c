import { and, asc, desc, eq, gte, lte, sql } from "drizzle-orm";
import type { DbOrTx } from "@/server/db/client";
import { serviceRequests } from "@/server/db/schema";
import { ksTwoSample, psi, psiLevel } from "@/server/analysis/drift";
import { getServiceRow, variantsOf, type Service } from "@/server/inference/service-rows";

/**
 * Drift per variant on what the gateway logs of each request (its sampled request log): the
 * request's size (prompt tokens), the answer's (completion tokens) and its latency. The current
 * window is the last hour; the reference is the service's chosen window, or else the variant's
 * first sampled requests. Each feature gets the two-sample KS test and the PSI.
 */

const FEATURES = { promptTokens: "prompt tokens", completionTokens: "completion tokens", latencyMs: "latency (ms)" } as const;
type Feature = keyof typeof FEATURES;
const REFERENCE_SIZE = 200;
const CURRENT_SIZE = 500;
/** Fewer samples than this on either side: no verdict. */
export const MIN_SAMPLES = 30;
/** Drift is called when the distributions differ (KS p < 0.01) and by enough to matter (PSI ≥ 0.25). */
export const DRIFT_P = 0.01;
export const DRIFT_PSI = 0.25;

type Row = { at: Date; promptTokens: number | null; completionTokens: number | null; latencyMs: number };

export interface FeatureDrift {
  feature: Feature; label: string; reference: number; current: number;
  ks: { d: number; p: number } | null; psi: number | null; level: ReturnType<typeof psiLevel> | null; drifted: boolean;
  bins: Array<{ lo: number; hi: number; refShare: number; curShare: number }>;
}

export function featureDrift(feature: Feature, ref: Row[], cur: Row[]): FeatureDrift {
  const pick = (rows: Row[]) => rows.map((r) => r[feature]).filter((v): v is number => v !== null && Number.isFinite(v));
  const a = pick(ref);
  const b = pick(cur);
  const base = { feature, label: FEATURES[feature], reference: a.length, current: b.length };
  if (a.length < MIN_SAMPLES || b.length < MIN_SAMPLES) return { ...base, ks: null, psi: null, level: null, drifted: false, bins: [] };
  const ks = ksTwoSample(a, b);
  const p = psi(a, b);
  return { ...base, ks: { d: ks.d, p: ks.p }, psi: p.psi, level: psiLevel(p.psi), drifted: ks.p < DRIFT_P && p.psi >= DRIFT_PSI, bins: p.bins.map((x) => ({ lo: x.lo, hi: x.hi, refShare: x.refShare, curShare: x.curShare })) };
}

export async function driftOf(db: DbOrTx, service: Service) {
  const variants = await variantsOf(db, service.id);
  const cols = { at: serviceRequests.at, promptTokens: serviceRequests.promptTokens, completionTokens: serviceRequests.completionTokens, latencyMs: serviceRequests.latencyMs };
  const reference = service.driftReference;
  const result = [];
  for (const v of variants) {
    const mine = and(eq(serviceRequests.serviceId, service.id), eq(serviceRequests.variant, v.name), sql`${serviceRequests.status} < 500`);
    const current = await db.select(cols).from(serviceRequests).where(and(mine, gte(serviceRequests.at, sql`now() - interval '1 hour'`))).orderBy(desc(serviceRequests.id)).limit(CURRENT_SIZE);
    const oldestCurrent = current.at(-1)?.at;
    const ref = reference
      ? await db.select(cols).from(serviceRequests).where(and(mine, gte(serviceRequests.at, new Date(reference.from)), lte(serviceRequests.at, new Date(reference.to)))).orderBy(asc(serviceRequests.id)).limit(5000)
      // The variant's first requests — before the current window, so the two never overlap.
      : await db.select(cols).from(serviceRequests).where(and(mine, oldestCurrent ? sql`${serviceRequests.at} < ${oldestCurrent.toISOString()}::timestamptz` : undefined)).orderBy(asc(serviceRequests.id)).limit(REFERENCE_SIZE);
    const features = (Object.keys(FEATURES) as Feature[]).map((f) => featureDrift(f, ref, current));
    const label = reference ? `${reference.from} – ${reference.to}` : ref.length > 0 ? "its first sampled requests" : "its first sampled requests (none older than the last hour yet: drift shows from its second hour)";
    result.push({ variant: v.name, reference: label, features, drifted: features.filter((f) => f.drifted).map((f) => f.label) });
  }
  return result;
}

export async function driftReport(db: DbOrTx, orgId: string, idOrName: string) {
  const service = await getServiceRow(db, orgId, idOrName);
  return { thresholds: { ksP: DRIFT_P, psi: DRIFT_PSI, minSamples: MIN_SAMPLES }, variants: await driftOf(db, service) };
}
