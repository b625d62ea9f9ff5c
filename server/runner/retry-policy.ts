import type { RemoteStatus } from "@/server/executors/types";

export interface RetryPolicy { attempt: number; maxRetries: number; retryOnFailure: boolean; desiredState: "RUN" | "CANCEL" | "PREEMPT"; preemptions?: number }

/**
 * Whether an attempt that ended gets another one. A job its executor lost is retried (the
 * platform's fault, as a Kubernetes Job's backoffLimit treats a vanished pod); a job that failed
 * on its own is retried only when its spec asks for it. Never after a cancel. Attempts that
 * were preempted are the scheduler's doing and use up no retries.
 */
export function retryDecision(run: RetryPolicy, status: RemoteStatus): { retry: boolean; note: string | null } {
  if (run.desiredState === "CANCEL") return { retry: false, note: null };
  const retryable = status.state === "LOST" || (status.state === "FAILED" && run.retryOnFailure);
  if (!retryable) return { retry: false, note: null };
  if (run.attempt - (run.preemptions ?? 0) <= run.maxRetries) return { retry: true, note: null };
  return { retry: false, note: run.maxRetries === 0 ? "retries are off for this job" : `no retries left (${run.maxRetries} of ${run.maxRetries} used)` };
}

const BASE_SECONDS = 10;
const MAX_SECONDS = 600;

/** Exponential backoff with ±20 % jitter: 10 s, 20 s, 40 s, … capped at 10 min. */
export function retryDelaySeconds(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(MAX_SECONDS, BASE_SECONDS * 2 ** Math.max(0, attempt - 1));
  return Math.max(1, Math.round(base * (0.8 + 0.4 * random())));
}
