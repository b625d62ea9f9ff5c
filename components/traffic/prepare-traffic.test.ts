import { describe, expect, it } from "vitest";
import { driftBars, intervalRows, rolloutSteps, scalingSeries } from "./prepare-traffic";

describe("traffic panels' data", () => {
  it("marks rollout steps done, current, pending or rolled back", () => {
    const steps = [{ weight: 10 }, { weight: 50 }, { weight: 100 }];
    expect(rolloutSteps({ status: "PROGRESSING", stepIndex: 1, steps }).map((s) => s.state)).toEqual(["done", "current", "pending"]);
    expect(rolloutSteps({ status: "PROGRESSING", stepIndex: -1, steps }).map((s) => s.state)).toEqual(["pending", "pending", "pending"]);
    expect(rolloutSteps({ status: "ROLLED_BACK", stepIndex: 0, steps }).map((s) => s.state)).toEqual(["rolled back", "pending", "pending"]);
    expect(rolloutSteps({ status: "PROMOTED", stepIndex: 2, steps }).map((s) => s.state)).toEqual(["done", "done", "done"]);
    expect(rolloutSteps({ status: "PROGRESSING", stepIndex: 0, steps: [{ weight: 50, candidateReplicas: 1 }] })[0].label).toBe("50 % · 1 repl.");
  });

  it("puts intervals on a zero-centred axis in display units, and says which clear zero", () => {
    const rows = intervalRows([
      { metric: "success", diff: 0.04, ci: [0.02, 0.06], status: "significant", better: "variant" },
      { metric: "latency", diff: -5, ci: [-20, 10], status: "not significant", better: null },
      { metric: "ttft", diff: null, ci: null, status: "no data", better: null },
    ]);
    expect(rows.map((r) => r.metric)).toEqual(["success", "latency"]);
    expect(rows[0]).toMatchObject({ diff: 4, lo: 2, hi: 6, unit: " pts", clearOfZero: true });
    expect(rows[0].x.hi).toBeCloseTo(1);
    expect(rows[0].x.lo).toBeCloseTo(0.5 + 2 / 6 / 2);
    expect(rows[1]).toMatchObject({ clearOfZero: false });
    expect(rows[1].x.lo).toBeCloseTo(0);
    expect(rows[1].x.diff).toBeCloseTo(0.5 - 5 / 40);
  });

  it("draws replicas as steps from the applied decisions only", () => {
    const s = scalingSeries([
      { at: "2026-01-01T00:00:10Z", variant: "a", current: 1, desired: 3, applied: true },
      { at: "2026-01-01T00:00:20Z", variant: "a", current: 3, desired: 3, applied: false },
      { at: "2026-01-01T00:01:00Z", variant: "a", current: 3, desired: 1, applied: true },
    ], Date.parse("2026-01-01T00:02:00Z"));
    expect(s.variants).toEqual(["a"]);
    expect(s.rows.map((r) => r.a)).toEqual([1, 3, 1, 1]);
  });

  it("labels drift bins with open ends and percentages", () => {
    expect(driftBars([{ lo: null, hi: 10, refShare: 0.25, curShare: 0.1 }, { lo: 10, hi: 12.5, refShare: 0.5, curShare: 0.3 }, { lo: 12.5, hi: null, refShare: 0.25, curShare: 0.6 }]))
      .toEqual([{ bin: "≤ 10", reference: 25, current: 10 }, { bin: "10–12.5", reference: 50, current: 30 }, { bin: "> 12.5", reference: 25, current: 60 }]);
  });
});
