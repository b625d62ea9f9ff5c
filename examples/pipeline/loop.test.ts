import { describe, expect, it } from "vitest";
import { CLASSES, makeExample } from "./example-data.mjs";
import { evaluateOnRows, trainOnRows } from "./model-phases.mjs";
import { optimize } from "./optimize-data.mjs";

type Report = ReturnType<typeof evaluateOnRows>;

/** optimize → train → evaluate, `iterations` times; the test score after each iteration. */
function loop(seed: number, feedback: boolean, iterations = 5) {
  const { train, validation, test } = makeExample(seed);
  let rows = train;
  let report: Report | null = null;
  const scores: number[] = [];
  for (let it = 0; it < iterations; it++) {
    rows = optimize(rows, report, { seed: seed * 10 + it, feedback, perCase: 4, jitter: 0.15 }).rows;
    const model = trainOnRows(rows, { classes: CLASSES, epochs: 200 });
    report = evaluateOnRows(model, validation); // bad cases come from validation, never from test
    scores.push(evaluateOnRows(model, test).score);
  }
  return scores;
}

describe("the continuous-learning loop on the example (pure phases)", () => {
  it("reports metrics, bad cases with their features, and suggestions", () => {
    const { train, validation } = makeExample(1);
    const model = trainOnRows(optimize(train).rows, { classes: CLASSES, epochs: 200 });
    const report = evaluateOnRows(model, validation);
    expect(report.score).toBe(report.metrics.macroF1);
    expect(Object.keys(report.metrics.perClass)).toEqual(CLASSES);
    for (const bad of report.badCases) expect(bad).toMatchObject({ values: expect.any(Array), label: expect.any(String), predicted: expect.any(String) });
    expect(report.suggestions.every((s) => s.action === "oversample_near_bad_cases" && s.recall < 0.9)).toBe(true);
  });

  it("the score rises across iterations because of the feedback; without it, it rises less (5 seeds)", () => {
    const seeds = [1, 2, 3, 4, 5];
    const withFeedback = seeds.map((s) => loop(s, true));
    const ablation = seeds.map((s) => loop(s, false));
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const gain = (runs: number[][]) => mean(runs.map((r) => r.at(-1)! - r[0]));
    expect(mean(withFeedback.map((r) => r.at(-1)!))).toBeGreaterThan(mean(ablation.map((r) => r.at(-1)!)) + 0.05);
    expect(gain(withFeedback)).toBeGreaterThan(gain(ablation) + 0.05);
    // Feedback never leaves a seed worse off than where it started.
    expect(withFeedback.every((r) => r.at(-1)! >= r[0])).toBe(true);
  });
});
