/** In-process nudge so a job submitted through this process starts without waiting a poll. */
const holder = globalThis as unknown as { __anvilRunnerWake?: () => void };

export function setRunnerWake(fn: (() => void) | undefined) {
  holder.__anvilRunnerWake = fn;
}

export function wakeRunner() {
  holder.__anvilRunnerWake?.();
}
