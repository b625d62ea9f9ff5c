import { describe, expect, it } from "vitest";
import { ashaStop, crowdingDistance, gridPoints, medianStop, nonDominatedFronts, paretoFront, suggestGrid, suggestNsga2, suggestRandom, suggestTpe, type Observation, type SuggestInput } from "./algorithms";
import { contains, decode, encode, seededRng, type Params, type ParamSpec } from "./search-space";

/** Each algorithm on functions whose optimum is known. */

type Suggest = (input: SuggestInput) => Params | null;

function optimise(suggest: Suggest, space: ParamSpec[], f: (p: Params) => number[], trials: number, seed: number): Observation[] {
  const rng = seededRng(seed);
  const done: Observation[] = [];
  for (let i = 0; i < trials; i++) {
    const params = suggest({ space, done, pending: [], rng });
    if (!params) break;
    done.push({ params, values: f(params) });
  }
  return done;
}

const best = (done: Observation[]) => Math.min(...done.map((o) => o.values[0]));

describe("search space", () => {
  it("encodes and decodes every type inside its range", () => {
    const space: ParamSpec[] = [
      { name: "lr", type: "loguniform", low: 1e-5, high: 1 }, { name: "x", type: "uniform", low: -2, high: 3 },
      { name: "layers", type: "int", low: 1, high: 4 }, { name: "opt", type: "choice", values: ["adam", "sgd"] },
    ];
    const rng = seededRng(1);
    for (let i = 0; i < 500; i++) {
      for (const p of space) {
        const v = decode(p, rng());
        expect(contains(p, v)).toBe(true);
        const back = decode(p, encode(p, v));
        if (typeof v === "number") expect(back).toBeCloseTo(v, 9);
        else expect(back).toBe(v);
      }
    }
    expect(decode(space[0], 0.5)).toBeCloseTo(10 ** -2.5, 9);
  });
});

describe("grid", () => {
  it("enumerates choices × int levels × 5 levels per continuous axis, then says it is done", () => {
    const space: ParamSpec[] = [{ name: "opt", type: "choice", values: ["a", "b"] }, { name: "n", type: "int", low: 1, high: 3 }, { name: "lr", type: "uniform", low: 0, high: 1 }];
    expect(gridPoints(space)).toHaveLength(2 * 3 * 5);
    const done = optimise(suggestGrid, space, () => [0], 100, 1);
    expect(done).toHaveLength(30);
    expect(new Set(done.map((o) => JSON.stringify(o.params))).size).toBe(30);
    expect(done.map((o) => o.params.lr).slice(0, 5)).toEqual([0, 0.25, 0.5, 0.75, 1]);
  });
});

describe("TPE", () => {
  const quadratic: ParamSpec[] = [{ name: "x", type: "uniform", low: -5, high: 5 }, { name: "y", type: "uniform", low: -5, high: 5 }];
  const f = (p: Params) => [((p.x as number) - 1.5) ** 2 + ((p.y as number) + 2) ** 2];

  it("beats random search on a quadratic within 40 trials, over 30 seeds", () => {
    let wins = 0, tpeSum = 0, randomSum = 0;
    for (let seed = 1; seed <= 30; seed++) {
      const tpe = best(optimise((i) => suggestTpe(i), quadratic, f, 40, seed));
      const rnd = best(optimise(suggestRandom, quadratic, f, 40, seed + 1000));
      tpeSum += tpe; randomSum += rnd;
      if (tpe < rnd) wins++;
    }
    expect(tpeSum / 30).toBeLessThan((randomSum / 30) * 0.5);
    expect(wins).toBeGreaterThanOrEqual(22);
  });

  it("handles choices and integers (finds the right category)", () => {
    const space: ParamSpec[] = [{ name: "opt", type: "choice", values: ["sgd", "adam", "rmsprop", "adagrad"] }, { name: "n", type: "int", low: 1, high: 50 }];
    const g = (p: Params) => [(p.opt === "adam" ? 0 : 5) + Math.abs((p.n as number) - 37)];
    let hits = 0;
    for (let seed = 1; seed <= 10; seed++) {
      const done = optimise((i) => suggestTpe(i), space, g, 50, seed);
      const top = [...done].sort((a, b) => a.values[0] - b.values[0])[0];
      if (top.params.opt === "adam" && Math.abs((top.params.n as number) - 37) <= 3) hits++;
    }
    expect(hits).toBeGreaterThanOrEqual(8);
  });
});

describe("NSGA-II", () => {
  it("sorts fronts and crowding as Deb et al. define them", () => {
    const v = [[1, 5], [2, 3], [3, 1], [2, 5], [4, 4], [5, 5]];
    expect(nonDominatedFronts(v)).toEqual([[0, 1, 2], [3, 4], [5]]);
    const cd = crowdingDistance([0, 1, 2], v);
    expect(cd.get(0)).toBe(Infinity);
    expect(cd.get(2)).toBe(Infinity);
    expect(cd.get(1)).toBeCloseTo(2 / 2 + 4 / 4, 9);
  });

  it("finds ZDT1's true front f2 = 1 − √f1 within 0.05 on average (6 variables, 2,500 evaluations)", () => {
    const n = 6;
    const space: ParamSpec[] = Array.from({ length: n }, (_, i) => ({ name: `x${i}`, type: "uniform" as const, low: 0, high: 1 }));
    const zdt1 = (p: Params) => {
      const x = space.map((s) => p[s.name] as number);
      const g = 1 + (9 * x.slice(1).reduce((a, b) => a + b, 0)) / (n - 1);
      return [x[0], g * (1 - Math.sqrt(x[0] / g))];
    };
    const done = optimise((i) => suggestNsga2(i, { population: 40 }), space, zdt1, 2500, 7);
    const front = paretoFront(done).map((i) => done[i].values);
    expect(front.length).toBeGreaterThanOrEqual(20);
    const gap = front.reduce((s, [f1, f2]) => s + (f2 - (1 - Math.sqrt(f1))), 0) / front.length;
    expect(gap).toBeLessThan(0.05);
    // Spread along the front, not one corner of it.
    expect(Math.max(...front.map(([f1]) => f1)) - Math.min(...front.map(([f1]) => f1))).toBeGreaterThan(0.6);
  });
});

describe("median stopping rule", () => {
  it("stops a trial whose best so far is worse than the median of the others' running averages", () => {
    const others = [[[1, 1.0], [2, 0.8], [3, 0.6]], [[1, 1.1], [2, 0.9], [3, 0.7]], [[1, 0.9], [2, 0.7], [3, 0.5]]] as Array<Array<[number, number]>>;
    expect(medianStop([[1, 2], [2, 1.9], [3, 1.8]], others)).toBe(true);
    expect(medianStop([[1, 0.5], [2, 0.4], [3, 0.3]], others)).toBe(false);
    expect(medianStop([[1, 2]], others.slice(0, 2))).toBe(false); // too few others to judge
  });
});

describe("ASHA", () => {
  const curve = (start: number, rate: number, steps: number): Array<[number, number]> => Array.from({ length: steps }, (_, i) => [i + 1, start * Math.exp(-rate * i)]);
  it("keeps the best third at each rung (1, 3, 9, … steps with η = 3) and stops the rest", () => {
    const others = [curve(1, 0.3, 20), curve(1.2, 0.3, 20), curve(0.9, 0.3, 20), curve(2, 0.1, 20), curve(1.5, 0.2, 20)];
    // At step 3 (rung 3): a trial far worse than the others is stopped; the best one goes on.
    expect(ashaStop(curve(5, 0.1, 3), others, { minStep: 1 })).toBe(true);
    expect(ashaStop(curve(0.5, 0.3, 3), others, { minStep: 1 })).toBe(false);
    // Between rungs nothing new is judged: at step 8 the decision is still rung 3's.
    expect(ashaStop(curve(0.5, 0.3, 8), others, { minStep: 1 })).toBe(false);
    // Below the first rung, never.
    expect(ashaStop(curve(9, 0, 2), others, { minStep: 3 })).toBe(false);
    // Alone at a rung: nothing to compare with.
    expect(ashaStop(curve(9, 0, 20), [curve(1, 0.3, 5)], { minStep: 1 })).toBe(false);
  });
});
