import { describe, expect, it } from "vitest";
import { ActionOutsideSpace, checkedStep } from "../env";
import { personalSlate, popularSlate, Recommender } from "./recommender";

type Policy = (env: Recommender, observation: number[], user: number, seen: Map<number, Map<number, number>>) => number[];

function episode(seed: number, policy: Policy) {
  const env = new Recommender();
  const start = env.reset(seed);
  let observation = start.observation;
  let user = start.info.user as number;
  const seen = new Map<number, Map<number, number>>();
  const clicks: number[] = [];
  let last: Record<string, unknown> = {};
  for (;;) {
    const slate = policy(env, observation, user, seen);
    const mine = seen.get(user) ?? new Map<number, number>();
    for (const j of slate) mine.set(j, (mine.get(j) ?? 0) + 1);
    seen.set(user, mine);
    const r = env.step(slate);
    clicks.push(r.reward);
    last = r.info;
    observation = r.observation;
    user = r.info.nextUser as number;
    if (r.truncated) break;
  }
  const half = clicks.length / 2;
  return { total: clicks.reduce((a, b) => a + b, 0), first: clicks.slice(0, half).reduce((a, b) => a + b, 0), second: clicks.slice(half).reduce((a, b) => a + b, 0), info: last };
}

const seeds = [1, 2, 3, 4, 5, 6, 7, 8];
const popular: Policy = (env) => popularSlate(env);
const personal: Policy = (env, o, user, seen) => personalSlate(env, o, seen.get(user));

describe("the recommender", () => {
  it("shows the popularity-bias failure: everyone gets the same items, the catalog goes unexplored, clicks fall off", () => {
    const runs = seeds.map((s) => episode(s, popular));
    for (const r of runs) {
      expect(r.info.popularShare).toBe(1);
      expect(r.info.coverage).toBeLessThanOrEqual(0.05);
    }
    const first = runs.reduce((a, r) => a + r.first, 0);
    const second = runs.reduce((a, r) => a + r.second, 0);
    expect(second).toBeLessThan(first * 0.8);
  });

  it("a policy fitted to each user's tastes explores the catalog and clicks more", () => {
    const pop = seeds.map((s) => episode(s, popular));
    const mine = seeds.map((s) => episode(s, personal));
    expect(mine.every((r) => (r.info.coverage as number) > 0.2)).toBe(true);
    expect(mine.reduce((a, r) => a + r.total, 0)).toBeGreaterThan(pop.reduce((a, r) => a + r.total, 0));
  });

  it("is deterministic under a seed and refuses slates outside the catalog", () => {
    const a = new Recommender(); const b = new Recommender();
    expect(a.reset(3)).toEqual(b.reset(3));
    for (let i = 0; i < 10; i++) expect(a.step([0, 1, 2, 3, 4])).toEqual(b.step([0, 1, 2, 3, 4]));
    expect(() => checkedStep(a, [0, 1, 2, 3, 200])).toThrow(ActionOutsideSpace);
    expect(() => checkedStep(a, [0, 1, 2])).toThrow(/expected an array of 5 integers/);
  });
});
