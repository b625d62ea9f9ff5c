import { describe, expect, it } from "vitest";
import type { AutoscalingPolicy } from "@/server/db/schema";
import { recommend, signalOf, stabilize } from "./autoscaling";

const policy: AutoscalingPolicy = { minReplicas: 1, maxReplicas: 4, metric: "concurrency", target: 4, scaleUpWindowSeconds: 0, scaleDownWindowSeconds: 60 };

describe("autoscaling", () => {
  it("asks for ceil(current × value / target) within the bounds, with a 10 % tolerance", () => {
    expect(recommend(policy, 1, 10)).toBe(3);
    expect(recommend(policy, 2, 8)).toBe(4);
    expect(recommend(policy, 2, 100)).toBe(4); // max
    expect(recommend(policy, 3, 1)).toBe(1);
    expect(recommend(policy, 2, 0)).toBe(1); // min
    expect(recommend(policy, 2, 4.3)).toBe(2); // within tolerance
    expect(recommend(policy, 2, 4.5)).toBe(3);
    expect(recommend(policy, 2, null)).toBe(2);
  });

  it("scales up at once with no window, and down only when the whole window agrees", () => {
    const t = 1_000_000;
    expect(stabilize([{ at: t, replicas: 3 }], t, 1, policy)).toBe(3);
    // A minute of recommendations: 3, 3, 1 → stay at 3 until the 3s leave the window.
    const h = [{ at: t, replicas: 3 }, { at: t + 30_000, replicas: 3 }, { at: t + 50_000, replicas: 1 }];
    expect(stabilize(h, t + 50_000, 3, policy)).toBe(3);
    expect(stabilize([...h, { at: t + 91_000, replicas: 1 }], t + 91_000, 3, policy)).toBe(1);
    expect(stabilize([{ at: t + 31_000, replicas: 2 }, { at: t + 91_000, replicas: 1 }], t + 91_000, 3, policy)).toBe(2);
  });

  it("waits out a scale-up window too, taking the least that every recommendation in it asked", () => {
    const p = { ...policy, scaleUpWindowSeconds: 30 };
    const t = 0;
    expect(stabilize([{ at: t, replicas: 1 }, { at: t + 10_000, replicas: 4 }], t + 10_000, 1, p)).toBe(1);
    expect(stabilize([{ at: t + 10_000, replicas: 4 }, { at: t + 20_000, replicas: 3 }], t + 20_000, 1, p)).toBe(3);
  });

  it("reads the signal per ready replica", () => {
    const r = (running: number | null, waiting: number | null, kv: number | null, ready = true) => ({ ready, running, waiting, kvCacheUsage: kv });
    expect(signalOf("concurrency", [r(2, 1, 0.1), r(4, 1, 0.3)])).toBe(4);
    // A replica still starting counts as idle.
    expect(signalOf("concurrency", [r(2, 1, 0.1), r(4, 1, 0.3), r(9, 9, 1, false)])).toBeCloseTo(8 / 3);
    expect(signalOf("queue", [r(2, 1, 0.1), r(4, 3, 0.3)])).toBe(2);
    expect(signalOf("kv_cache", [r(2, 1, 0.1), r(4, 3, 0.3)])).toBeCloseTo(0.2);
    expect(signalOf("concurrency", [r(null, null, null)])).toBeNull();
  });
});
