import { describe, expect, it } from "vitest";
import { ActionOutsideSpace, checkedStep } from "../env";
import { seededRng } from "../spaces";
import { NetworkSlicing, poisson, slicingHeuristic } from "./network-slicing";

function episode(seed: number, policy: (o: number[]) => number[]) {
  const env = new NetworkSlicing();
  let { observation } = env.reset(seed);
  let total = 0, violations = 0, steps = 0;
  for (;;) {
    const r = env.step(policy(observation));
    total += r.reward; steps++;
    if (r.info.safetyViolation) violations++;
    observation = r.observation;
    if (r.terminated || r.truncated) return { total, violations, steps };
  }
}

describe("network slicing", () => {
  it("draws Poisson arrivals with the right mean", () => {
    const rng = seededRng(5);
    const n = 20_000;
    let sum = 0;
    for (let i = 0; i < n; i++) sum += poisson(rng, 6);
    // Mean 6, sd of the mean √(6/20000) ≈ 0.017: 5 sd.
    expect(Math.abs(sum / n - 6)).toBeLessThan(0.09);
  });

  it("counts a safety violation when URLLC is starved, none when it is served", () => {
    const starved = episode(1, () => [5, 0, 5]);
    expect(starved.violations).toBeGreaterThan(150);
    const served = episode(1, () => [4, 4, 2]);
    expect(served.violations).toBe(0);
    expect(starved.steps).toBe(200);
  });

  it("rewards the fraction of SLAs met: the heuristic beats random over seeds", () => {
    const random = (rng: () => number) => () => [0, 1, 2].map(() => Math.floor(rng() * 11));
    const heuristic = [1, 2, 3, 4, 5].map((s) => episode(s, (o) => slicingHeuristic(o)));
    const rnd = [1, 2, 3, 4, 5].map((s) => episode(s, random(seededRng(100 + s))));
    for (const e of [...heuristic, ...rnd]) expect(e.total).toBeLessThanOrEqual(200);
    const mean = (xs: Array<{ total: number }>) => xs.reduce((a, x) => a + x.total, 0) / xs.length;
    expect(mean(heuristic)).toBeGreaterThan(mean(rnd) + 20);
    expect(heuristic.reduce((a, e) => a + e.violations, 0)).toBeLessThan(rnd.reduce((a, e) => a + e.violations, 0));
  });

  it("is deterministic under a seed and refuses actions outside the space", () => {
    const a = new NetworkSlicing(); const b = new NetworkSlicing();
    a.reset(9); b.reset(9);
    for (let i = 0; i < 20; i++) expect(a.step([3, 3, 4])).toEqual(b.step([3, 3, 4]));
    expect(() => checkedStep(a, [11, 0, 0])).toThrow(ActionOutsideSpace);
    expect(() => checkedStep(a, [1, 2])).toThrow("expected an array of 3 integers, got [1,2]");
  });
});
