/**
 * The run lifecycle: its states, the legal transitions and the predicates built on them.
 * The same pairs are rows of `run_allowed_transitions` (migration 0001), which the
 * `run_transitions` foreign key enforces; an integration test keeps the two equal.
 */

export const RUN_STATUSES = ["QUEUED", "STARTING", "RUNNING", "SUCCEEDED", "FAILED", "CANCELLED"] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export const RUN_TRANSITIONS: Readonly<Record<RunStatus, readonly RunStatus[]>> = {
  // FAILED straight from QUEUED: the spec can't be submitted at all (unknown executor, bad command).
  QUEUED: ["STARTING", "CANCELLED", "FAILED"],
  // STARTING = intent recorded (remote id written), submission under way or not yet confirmed.
  STARTING: ["RUNNING", "SUCCEEDED", "FAILED", "CANCELLED"],
  RUNNING: ["SUCCEEDED", "FAILED", "CANCELLED"],
  SUCCEEDED: [],
  FAILED: [],
  CANCELLED: [],
};

export const TERMINAL_RUN_STATUSES: readonly RunStatus[] = ["SUCCEEDED", "FAILED", "CANCELLED"];

export function canTransition(from: RunStatus, to: RunStatus): boolean {
  return RUN_TRANSITIONS[from].includes(to);
}

export function isTerminal(status: RunStatus): boolean {
  return TERMINAL_RUN_STATUSES.includes(status);
}

/** Every legal pair, in a stable order (for the allowed-transitions table and its test). */
export function allowedTransitionPairs(): Array<[RunStatus, RunStatus]> {
  return RUN_STATUSES.flatMap((from) => RUN_TRANSITIONS[from].map((to): [RunStatus, RunStatus] => [from, to]));
}
