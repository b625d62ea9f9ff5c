import { describe, expect, it } from "vitest";
import { BUCKETS_MS } from "@/server/inference/gateway-state";
import { BOUNDS_MS, prepareServiceCharts, quantile, variantTotals } from "./prepare-service";

describe("service charts", () => {
  it("use the gateway's bucket bounds", () => expect(BOUNDS_MS).toEqual(BUCKETS_MS));
  it("reads quantiles off the histogram as bucket bounds", () => {
    // 10 requests: 5 under 10 ms, 4 under 100 ms, 1 over 30 s.
    const counts = [0, 5, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0, 1];
    expect(quantile(counts, 0.5)).toBe(10);
    expect(quantile(counts, 0.9)).toBe(100);
    expect(quantile(counts, 0.95)).toBe(60_000);
    expect(quantile(new Array(13).fill(0), 0.5)).toBeNull();
  });
  const h = (i: number, n: number) => Array.from({ length: 13 }, (_, j) => (j === i ? n : 0));
  const stats = [
    { minute: "2026-11-24T23:01:00Z", variant: "primary", requests: 3, errors: 1, promptTokens: 10, completionTokens: 5, latency: h(2, 3), ttft: h(0, 3) },
    { minute: "2026-11-24T23:01:00Z", variant: "canary", requests: 1, errors: 0, promptTokens: 2, completionTokens: 2, latency: h(4, 1), ttft: h(1, 1) },
    { minute: "2026-11-24T23:00:00Z", variant: "primary", requests: 1, errors: 0, promptTokens: 1, completionTokens: 1, latency: h(6, 1), ttft: h(0, 1) },
  ];
  it("turns minutes into rows with each variant's requests, errors, tokens and percentiles, in time order", () => {
    const rows = prepareServiceCharts(stats);
    expect(rows.map((r) => r.minute)).toEqual(["23:00", "23:01"]);
    expect(rows[1]).toMatchObject({ "requests:primary": 3, "errors:primary": 1, "tokens:primary": 15, "latencyP95:primary": 25, "ttftP50:primary": 5, "requests:canary": 1, "latencyP50:canary": 100, "ttftP95:canary": 10 });
    expect(rows[0]["requests:canary"]).toBeUndefined();
  });
  it("sums each variant over the window, keeping a removed variant's history", () => {
    const totals = variantTotals(stats, ["primary"]);
    expect(totals.map((t) => [t.variant, t.current, t.requests, t.errors])).toEqual([["primary", true, 4, 1], ["canary", false, 1, 0]]);
    expect(totals[0]).toMatchObject({ errorRate: 0.25, latencyP50: 25, latencyP95: 500, promptTokens: 11, completionTokens: 6 });
  });
});
