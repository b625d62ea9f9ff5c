import { describe, expect, it } from "vitest";
import { runLifecycle, type RunStatus } from "./run-lifecycle";

const LEGAL: Array<[RunStatus, RunStatus]> = [
  ["QUEUED", "STARTING"], ["QUEUED", "RUNNING"], ["QUEUED", "CANCELLED"], ["QUEUED", "FAILED"],
  ["STARTING", "RUNNING"], ["STARTING", "SUCCEEDED"], ["STARTING", "FAILED"], ["STARTING", "CANCELLED"], ["STARTING", "QUEUED"],
  ["RUNNING", "SUCCEEDED"], ["RUNNING", "FAILED"], ["RUNNING", "CANCELLED"], ["RUNNING", "QUEUED"], ["RUNNING", "CRASHED"],
  ["CRASHED", "RUNNING"], ["CRASHED", "SUCCEEDED"], ["CRASHED", "FAILED"], ["CRASHED", "CANCELLED"],
];

describe("run lifecycle", () => {
  const { statuses } = runLifecycle;
  const all = statuses.flatMap((from) => statuses.map((to): [RunStatus, RunStatus] => [from, to]));
  const key = ([a, b]: [RunStatus, RunStatus]) => `${a}->${b}`;
  const legal = new Set(LEGAL.map(key));

  it.each(all)("%s → %s is legal exactly when listed", (from, to) => {
    expect(runLifecycle.canTransition(from, to)).toBe(legal.has(key([from, to])));
  });

  it("lists exactly the legal pairs for the allowed-transitions table", () => {
    expect(runLifecycle.pairs().map(key).sort()).toEqual([...legal].sort());
  });

  it("has no way out of a terminal status and no self-loops", () => {
    for (const s of runLifecycle.terminal) expect(statuses.some((to) => runLifecycle.canTransition(s, to))).toBe(false);
    for (const s of statuses) expect(runLifecycle.canTransition(s, s)).toBe(false);
    expect(statuses.filter(runLifecycle.isTerminal)).toEqual(["SUCCEEDED", "FAILED", "CANCELLED"]);
    expect(runLifecycle.active).toEqual(["QUEUED", "STARTING", "RUNNING", "CRASHED"]);
  });

  it("reaches a terminal status from every active one", () => {
    for (const s of runLifecycle.active) expect(statuses.some((to) => runLifecycle.canTransition(s, to) && runLifecycle.isTerminal(to))).toBe(true);
  });
});
