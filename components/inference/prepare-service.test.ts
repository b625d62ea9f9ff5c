import { describe, expect, it } from "vitest";
import { BUCKETS_MS } from "@/server/inference/gateway-state";
import { BOUNDS_MS, prepareServiceCharts, quantile } from "./prepare-service";

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
  it("turns minutes into rows with requests, errors, tokens and the percentiles", () => {
    const rows = prepareServiceCharts([{ minute: "2026-11-24T23:01:00Z", requests: 3, errors: 1, promptTokens: 10, completionTokens: 5, latency: [0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], ttft: [3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0] }]);
    expect(rows).toEqual([{ minute: "23:01", requests: 3, errors: 1, tokens: 15, latencyP50: 25, latencyP95: 25, ttftP50: 5, ttftP95: 5 }]);
  });
});
