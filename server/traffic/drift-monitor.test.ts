import { describe, expect, it } from "vitest";
import { seededRng } from "@/server/sweeps/search-space";
import { featureDrift, MIN_SAMPLES } from "./drift-monitor";

/** Seeded draws (Box–Muller): the same samples every run. */
function normal(seed: number, n: number, mean: number, sd: number) {
  const u = seededRng(seed);
  return Array.from({ length: n }, () => mean + sd * Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u()));
}
const rows = (xs: number[]) => xs.map((x) => ({ at: new Date(), promptTokens: Math.round(x), completionTokens: null, latencyMs: x }));

describe("drift per feature", () => {
  it("does not call drift between samples of one distribution", () => {
    const d = featureDrift("latencyMs", rows(normal(1, 400, 200, 30)), rows(normal(2, 400, 200, 30)));
    expect(d.ks!.p).toBeGreaterThan(0.05);
    expect(d.psi!).toBeLessThan(0.1);
    expect(d).toMatchObject({ level: "stable", drifted: false });
  });

  it("calls drift on a shifted one, by both tests", () => {
    const d = featureDrift("latencyMs", rows(normal(1, 400, 200, 30)), rows(normal(3, 400, 240, 30)));
    expect(d.ks!.p).toBeLessThan(1e-6);
    expect(d.psi!).toBeGreaterThan(0.25);
    expect(d).toMatchObject({ level: "significant", drifted: true });
    expect(d.bins.length).toBeGreaterThan(5);
  });

  it("gives no verdict on too few samples or a feature that was not logged", () => {
    expect(featureDrift("latencyMs", rows(normal(1, MIN_SAMPLES - 1, 0, 1)), rows(normal(2, 400, 5, 1)))).toMatchObject({ ks: null, drifted: false });
    expect(featureDrift("completionTokens", rows(normal(1, 400, 0, 1)), rows(normal(2, 400, 0, 1)))).toMatchObject({ reference: 0, ks: null });
  });
});
