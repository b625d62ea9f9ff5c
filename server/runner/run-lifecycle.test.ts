import { describe, expect, it } from "vitest";
import { allowedTransitionPairs, canTransition, isTerminal, RUN_STATUSES, RUN_TRANSITIONS, TERMINAL_RUN_STATUSES, type RunStatus } from "./run-lifecycle";

const LEGAL: Array<[RunStatus, RunStatus]> = [
  ["QUEUED", "STARTING"], ["QUEUED", "CANCELLED"], ["QUEUED", "FAILED"],
  ["STARTING", "RUNNING"], ["STARTING", "SUCCEEDED"], ["STARTING", "FAILED"], ["STARTING", "CANCELLED"],
  ["RUNNING", "SUCCEEDED"], ["RUNNING", "FAILED"], ["RUNNING", "CANCELLED"],
];

describe("run lifecycle", () => {
  const all = RUN_STATUSES.flatMap((from) => RUN_STATUSES.map((to): [RunStatus, RunStatus] => [from, to]));
  const key = ([a, b]: [RunStatus, RunStatus]) => `${a}->${b}`;
  const legal = new Set(LEGAL.map(key));

  it.each(all)("%s → %s is legal exactly when listed", (from, to) => {
    expect(canTransition(from, to)).toBe(legal.has(key([from, to])));
  });

  it("lists exactly the legal pairs for the allowed-transitions table", () => {
    expect(allowedTransitionPairs().map(key).sort()).toEqual([...legal].sort());
  });

  it("has no way out of a terminal status and no self-loops", () => {
    for (const s of TERMINAL_RUN_STATUSES) expect(RUN_TRANSITIONS[s]).toEqual([]);
    for (const s of RUN_STATUSES) expect(canTransition(s, s)).toBe(false);
    expect(RUN_STATUSES.filter(isTerminal)).toEqual(["SUCCEEDED", "FAILED", "CANCELLED"]);
  });

  it("reaches a terminal status from every non-terminal one", () => {
    for (const s of RUN_STATUSES.filter((x) => !isTerminal(x))) {
      expect(RUN_TRANSITIONS[s].some(isTerminal)).toBe(true);
    }
  });
});
