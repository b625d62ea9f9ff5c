import { describe, expect, it } from "vitest";
import { pickReplica, pickVariant, prefixKey, stickyPoint, type ReplicaLoad } from "./policy";

const r = (id: string, over: Partial<ReplicaLoad> = {}): ReplicaLoad => ({ id, healthy: true, coolingDown: false, outstanding: 0, ...over });

describe("replica picking", () => {
  it("takes the least outstanding, then the shortest queue, skipping unhealthy, cooling and tried replicas", () => {
    expect(pickReplica([r("a", { outstanding: 3 }), r("b", { outstanding: 1 }), r("c", { outstanding: 2 })])!.id).toBe("b");
    expect(pickReplica([r("a", { outstanding: 1, waiting: 5 }), r("b", { outstanding: 2, waiting: 0 })])!.id).toBe("b");
    expect(pickReplica([r("a", { healthy: false }), r("b", { coolingDown: true, outstanding: 0 }), r("c", { outstanding: 9 })])!.id).toBe("c");
    expect(pickReplica([r("a"), r("b", { outstanding: 5 })], { exclude: new Set(["a"]) })!.id).toBe("b");
    expect(pickReplica([r("a", { healthy: false })])).toBeNull();
  });
  it("counts a nearly full KV cache as load", () => {
    expect(pickReplica([r("a", { outstanding: 1, kvCacheUsage: 0.99 }), r("b", { outstanding: 2, kvCacheUsage: 0.2 })])!.id).toBe("b");
  });
  it("keeps a shared prefix on the replica that cached it, unless that one is clearly busier", () => {
    const replicas = [r("a", { outstanding: 2 }), r("b", { outstanding: 1 })];
    expect(pickReplica(replicas, { affinity: "a" })!.id).toBe("a");
    expect(pickReplica([r("a", { outstanding: 6 }), r("b", { outstanding: 1 })], { affinity: "a" })!.id).toBe("b");
    expect(pickReplica([r("a", { outstanding: 1, kvCacheUsage: 0.97 }), r("b", { outstanding: 1 })], { affinity: "a" })!.id).toBe("b");
  });
  it("keys prefixes on the first characters of the prompt or the chat, ignoring short ones", () => {
    const system = "You are a careful assistant who answers in verse. ".repeat(6);
    const a = prefixKey({ messages: [{ role: "system", content: system }, { role: "user", content: "one" }] });
    const b = prefixKey({ messages: [{ role: "system", content: system }, { role: "user", content: "two" }] });
    expect(a).toBe(b);
    expect(prefixKey({ prompt: "hi" })).toBeNull();
  });
});

describe("pickVariant", () => {
  const ab = [{ name: "a", weight: 90, available: true }, { name: "b", weight: 10, available: true }];
  it("splits by weight", () => {
    expect(pickVariant(ab, 0)).toBe("a");
    expect(pickVariant(ab, 0.899)).toBe("a");
    expect(pickVariant(ab, 0.9)).toBe("b");
    expect(pickVariant(ab, 0.999)).toBe("b");
    let b = 0;
    for (let i = 0; i < 10_000; i++) if (pickVariant(ab, i / 10_000) === "b") b++;
    expect(b).toBe(1000);
  });
  it("skips a variant with nothing available, and what was tried", () => {
    expect(pickVariant([{ ...ab[0], available: false }, ab[1]], 0)).toBe("b");
    expect(pickVariant(ab, 0, new Set(["a"]))).toBe("b");
    expect(pickVariant(ab, 0, new Set(["a", "b"]))).toBeNull();
  });
  it("falls back to a variant at weight 0 only when no weighted one can answer", () => {
    const canary = [{ name: "stable", weight: 100, available: false }, { name: "canary", weight: 0, available: true }];
    expect(pickVariant(canary, 0.5)).toBe("canary");
    expect(pickVariant([{ name: "stable", weight: 100, available: true }, { name: "canary", weight: 0, available: true }], 0.999)).toBe("stable");
  });
});

describe("stickyPoint", () => {
  it("is stable, in [0, 1), and spreads keys evenly", () => {
    expect(stickyPoint("user-1")).toBe(stickyPoint("user-1"));
    const points = Array.from({ length: 10_000 }, (_, i) => stickyPoint(`svc:user-${i}`));
    expect(points.every((p) => p >= 0 && p < 1)).toBe(true);
    // Ten deciles of 1,000 each: chi-square with 9 degrees of freedom stays under 27.9 (p = 0.001).
    const deciles = new Array(10).fill(0);
    for (const p of points) deciles[Math.floor(p * 10)]++;
    expect(deciles.reduce((a, c) => a + (c - 1000) ** 2 / 1000, 0)).toBeLessThan(27.9);
  });
});
