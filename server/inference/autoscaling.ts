import type { AutoscalingPolicy } from "@/server/db/schema";

/**
 * The autoscaler's arithmetic, pure: the Kubernetes HPA's rule on one of vLLM's load signals,
 * and its stabilisation windows (KEDA scales vLLM the same way, through an HPA).
 */

/** Within 10 % of the target nothing moves, as the HPA's default tolerance: no flapping on noise. */
export const TOLERANCE = 0.1;

/** The replicas a signal asks for: ceil(current × value / target), within [min, max]. */
export function recommend(policy: AutoscalingPolicy, current: number, value: number | null): number {
  const clamp = (n: number) => Math.min(policy.maxReplicas, Math.max(policy.minReplicas, n));
  if (value === null) return clamp(current);
  // From zero there is nothing to average over: any load asks for the minimum (at least one).
  if (current === 0) return clamp(value > 0 ? Math.max(1, policy.minReplicas) : 0);
  const ratio = value / policy.target;
  if (Math.abs(ratio - 1) <= TOLERANCE) return clamp(current);
  return clamp(Math.ceil(current * ratio));
}

export interface Recommendation { at: number; replicas: number }

/**
 * The HPA's stabilisation: scale up only as far as every recommendation of the scale-up window
 * agrees (their minimum), scale down only as far as every one of the scale-down window agrees
 * (their maximum). `history` includes the recommendation just made.
 */
export function stabilize(history: readonly Recommendation[], now: number, current: number, policy: AutoscalingPolicy): number {
  const within = (seconds: number) => history.filter((r) => now - r.at <= seconds * 1000).map((r) => r.replicas);
  const latest = history.at(-1)?.replicas ?? current;
  const up = Math.min(latest, ...within(policy.scaleUpWindowSeconds));
  const down = Math.max(latest, ...within(policy.scaleDownWindowSeconds));
  let desired = current;
  if (desired < up) desired = up;
  if (desired > down) desired = down;
  return desired;
}

/** Recommendations older than the longer window are of no more use. */
export const trimHistory = (history: readonly Recommendation[], now: number, policy: AutoscalingPolicy) =>
  history.filter((r) => now - r.at <= Math.max(policy.scaleUpWindowSeconds, policy.scaleDownWindowSeconds) * 1000);

export interface ReplicaSignal { ready: boolean; running: number | null; waiting: number | null; kvCacheUsage: number | null }

/**
 * The policy's signal per replica (ttft comes from the gateway's stats instead); null when no
 * ready replica reports it. As the HPA does for scale-up, a replica still starting counts as
 * idle: the load it will take is not yet the others' to carry, so decisions do not compound
 * while new replicas come up.
 */
export function signalOf(metric: AutoscalingPolicy["metric"], replicas: readonly ReplicaSignal[]): number | null {
  const value = (r: ReplicaSignal) => metric === "concurrency" ? (r.running === null ? null : r.running + (r.waiting ?? 0))
    : metric === "queue" ? r.waiting : metric === "kv_cache" ? r.kvCacheUsage : null;
  const reported = replicas.filter((r) => r.ready && value(r) !== null);
  if (reported.length === 0) return null;
  const starting = replicas.filter((r) => !r.ready).length;
  return reported.reduce((a, r) => a + value(r)!, 0) / (reported.length + starting);
}
