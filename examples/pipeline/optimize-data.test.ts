import { describe, expect, it } from "vitest";
import { createRng } from "../iris-softmax/model.mjs";
import { classCounts, deduplicate, dropInvalid, optimize, oversampleNearBadCases, rebalance } from "./optimize-data.mjs";

const row = (values: Array<number | null>, label: string | null) => ({ values, label });

describe("the built-in data optimizer", () => {
  it("drops exact duplicates and rows with a missing feature or label", () => {
    const rows = [row([1, 2], "a"), row([1, 2], "a"), row([1, 2], "b"), row([null, 2], "a"), row([3, Number.NaN], "b"), row([3, 4], null)];
    expect(deduplicate(rows)).toMatchObject({ removed: 1 });
    expect(dropInvalid(rows).rows).toEqual([row([1, 2], "a"), row([1, 2], "a"), row([1, 2], "b")]);
  });

  it("rebalances every class up to the largest by drawing its own rows again", () => {
    const rows = [...Array.from({ length: 6 }, (_, i) => row([i, 0], "big")), row([9, 9], "small"), row([8, 8], "small")];
    const { rows: out, added } = rebalance(rows, createRng(1));
    expect(added).toBe(4);
    expect(Object.fromEntries(classCounts(out))).toEqual({ big: 6, small: 6 });
    expect(out.filter((r) => r.label === "small").every((r) => r.values[0] >= 8)).toBe(true);
  });

  it("synthesizes rows near each bad case, with its true label, within the jitter", () => {
    const rows = Array.from({ length: 20 }, (_, i) => row([i, i * 2], i % 2 ? "a" : "b"));
    const { rows: out, added } = oversampleNearBadCases(rows, [{ values: [5, 10], label: "a" }, { values: [1], label: "a" }], { perCase: 50, jitter: 0.1 }, createRng(7));
    expect(added).toBe(50); // the malformed bad case is skipped
    const synth = out.slice(rows.length);
    expect(synth.every((r) => r.label === "a")).toBe(true);
    // 0.1 standard deviations (≈ 0.59 and 1.18 here): within 5 of them always.
    expect(synth.every((r) => Math.abs(r.values[0]! - 5) < 3 && Math.abs(r.values[1]! - 10) < 6)).toBe(true);
    expect(Math.abs(synth.reduce((a, r) => a + r.values[0]!, 0) / 50 - 5)).toBeLessThan(0.3);
  });

  it("runs the steps in order, says what they did, and is repeatable for a seed", () => {
    const rows = [row([1, 1], "a"), row([1, 1], "a"), row([2, 2], "a"), row([3, 3], "a"), row([9, 9], "b"), row([null, 1], "b")];
    const report = { badCases: [{ values: [8, 8], label: "b" }] };
    const first = optimize(rows, report, { perCase: 2 });
    expect(first.steps).toEqual([
      { step: "deduplicate", removed: 1 }, { step: "drop_invalid", removed: 1 },
      { step: "oversample_bad_cases", added: 2, badCases: 1 }, { step: "rebalance", added: 0 },
    ]);
    expect(first.derivation).toBe("deduplicate −1, drop invalid −1, oversample bad cases +2, rebalance +0");
    expect(optimize(rows, report, { perCase: 2 }).rows).toEqual(first.rows);
    // Without the feedback (the ablation): no rows near bad cases, the classes rebalanced alone.
    expect(optimize(rows, report, { feedback: false }).steps.map((s) => s.step)).toEqual(["deduplicate", "drop_invalid", "rebalance"]);
  });
});
