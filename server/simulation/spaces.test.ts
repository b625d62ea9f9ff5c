import { describe, expect, it } from "vitest";
import { Box, Dict, Discrete, fromSpec, MultiBinary, MultiDiscrete, seededRng } from "./spaces";

describe("spaces", () => {
  it("Box: contains within bounds, refuses with the element at fault, samples inside", () => {
    const b = Box([-1, 0], [1, 5]);
    expect(b.contains([0.5, 5])).toBe(true);
    expect(b.check([0.5, 6])).toBe("element 1 (6) is outside [0, 5]");
    expect(b.check([0.5])).toBe("expected an array of 2 numbers, got [0.5]");
    expect(b.check([Number.NaN, 1])).toMatch(/^element 0/);
    const rng = seededRng(1);
    for (let i = 0; i < 1000; i++) expect(b.contains(b.sample(rng))).toBe(true);
    // Unbounded dimensions still sample finite values.
    const open = Box([-Infinity, 0], [Infinity, Infinity]);
    for (let i = 0; i < 100; i++) { const x = open.sample(rng); expect(Number.isFinite(x[0]) && x[1] >= 0).toBe(true); }
    expect(() => Box([1], [0])).toThrow(/low ≤ high/);
  });

  it("Discrete, MultiDiscrete, MultiBinary: integers only, every value reachable, uniform", () => {
    const d = Discrete(3, 1);
    expect([1, 2, 3].every((x) => d.contains(x))).toBe(true);
    expect(d.check(0)).toBe("expected an integer from 1 to 3, got 0");
    expect(d.check(1.5)).toMatch(/expected an integer/);
    const rng = seededRng(2);
    const counts = [0, 0, 0];
    for (let i = 0; i < 3000; i++) counts[d.sample(rng) - 1]++;
    expect(counts.every((c) => Math.abs(c - 1000) < 100)).toBe(true);
    const md = MultiDiscrete([2, 5]);
    expect(md.contains([1, 4])).toBe(true);
    expect(md.check([1, 5])).toBe("element 1 (5) is not an integer from 0 to 4");
    const mb = MultiBinary(3);
    expect(mb.contains([0, 1, 1])).toBe(true);
    expect(mb.check([0, 2, 1])).toBe("element 1 (2) is not 0 or 1");
    for (let i = 0; i < 100; i++) expect(md.contains(md.sample(rng)) && mb.contains(mb.sample(rng))).toBe(true);
  });

  it("Dict: exactly its keys, each checked by its space; round-trips through its spec", () => {
    const s = Dict({ position: Box(-1, 1, 2), mode: Discrete(2) });
    expect(s.contains({ position: [0, 0], mode: 1 })).toBe(true);
    expect(s.check({ position: [0, 2], mode: 1 })).toBe("position: element 1 (2) is outside [-1, 1]");
    expect(s.check({ position: [0, 0], mode: 1, extra: 1 })).toBe("unexpected key extra");
    expect(s.check([1])).toMatch(/^expected an object with mode, position/);
    const again = fromSpec(JSON.parse(JSON.stringify(s.spec)));
    expect(again.spec).toEqual(s.spec);
    expect(() => fromSpec({ type: "Tuple" } as never)).toThrow(/unknown space type "Tuple"/);
  });

  it("samples the same values for the same seed", () => {
    const s = Dict({ a: Box(0, 1, 3), b: MultiDiscrete([4, 4]) });
    expect(s.sample(seededRng(42))).toEqual(s.sample(seededRng(42)));
    expect(s.sample(seededRng(42))).not.toEqual(s.sample(seededRng(43)));
  });
});
