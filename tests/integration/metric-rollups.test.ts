import { describe, expect, it } from "vitest";
import { chooseLevel, queryMetricCharts, ROLLUP_BITS } from "@/server/tracking/metric-charts";
import { startExternalRun } from "@/server/tracking/external-runs";
import { ingestMetrics, metricHistory, metricSummaries } from "@/server/tracking/metrics";
import { createOrgWithAdmin, type TestOrg } from "../helpers/fixtures";

const actor = (t: TestOrg) => ({ kind: "user" as const, userId: t.adminId, label: t.adminEmail });
const startRun = (t: TestOrg, name = "r") => startExternalRun(t.db, { id: t.orgId }, actor(t), { project: "P", experiment: "E", name, heartbeatTimeout: null });

/** What the chart must show, computed from the raw points the slow way. */
function reference(points: Array<{ step: number; value: number; ts: number }>, lo: number, hi: number, buckets: number) {
  const span = hi - lo + 1;
  const level = chooseLevel(span, buckets);
  const width = 2 ** (ROLLUP_BITS * level);
  // Whole tiles inside the range are bucketed by their first step, edge points by their own.
  const fullLo = Math.ceil(lo / width), fullHi = Math.floor((hi + 1) / width) - 1;
  const out = new Map<number, { min: number; max: number; lastStep: number; lastTs: number; last: number; n: number }>();
  for (const p of points) {
    if (p.step < lo || p.step > hi) continue;
    const tile = Math.floor(p.step / width);
    const tileStart = level > 0 && tile >= fullLo && tile <= fullHi ? tile * width : p.step;
    const b = Math.floor(((tileStart - lo) * buckets) / span);
    const cur = out.get(b);
    if (!cur) { out.set(b, { min: p.value, max: p.value, lastStep: p.step, lastTs: p.ts, last: p.value, n: 1 }); continue; }
    cur.min = Math.min(cur.min, p.value); cur.max = Math.max(cur.max, p.value); cur.n++;
    if (p.step > cur.lastStep || (p.step === cur.lastStep && p.ts >= cur.lastTs)) Object.assign(cur, { lastStep: p.step, lastTs: p.ts, last: p.value });
  }
  return [...out.entries()].sort((a, b) => a[0] - b[0]).map(([, v]) => ({ step: v.lastStep, min: v.min, max: v.max, last: v.last, n: v.n }));
}

describe("metric rollups", () => {
  it("picks the widest tiles no wider than a bucket", () => {
    expect(chooseLevel(1_000, 1_000)).toBe(0);
    expect(chooseLevel(10_000, 1_000)).toBe(1);
    expect(chooseLevel(1_000_000, 1_000)).toBe(3);
    expect(chooseLevel(10 ** 12, 1_000)).toBe(7);
  });

  it("charts equal a bucketing of the raw points at every zoom, spikes included, replays counted once", async () => {
    const t = await createOrgWithAdmin();
    const run = await startRun(t);
    const t0 = Date.UTC(2026, 0, 1);
    const points = Array.from({ length: 20_000 }, (_, step) => ({ key: "loss", step, value: Math.sin(step / 500) + (step % 4_999 === 77 ? 50 : 0), timestamp: t0 + step }));
    // Out of order, overlapping and replayed batches: the rollups must count each point once.
    const order = [3, 0, 1, 2, 3, 1];
    for (const i of order) await ingestMetrics(t.db, { id: run.id, orgId: t.orgId, attempt: null }, points.slice(i * 5_000, (i + 1) * 5_000 + 10));
    const raw = points.map((p) => ({ step: p.step, value: p.value, ts: p.timestamp }));
    for (const [buckets, range] of [[500, undefined], [200, { lo: 4_000, hi: 6_000 }], [100, { lo: 5_070, hi: 5_090 }]] as const) {
      const [series] = await queryMetricCharts(t.db, t.orgId, { runIds: [run.id], keys: ["loss"], buckets, range });
      const lo = range?.lo ?? 0, hi = range?.hi ?? 19_999;
      expect(series.points.length).toBeLessThanOrEqual(buckets);
      expect(series.points.map(({ step, min, max, last, n }) => ({ step, min, max, last, n }))).toEqual(reference(raw, lo, hi, buckets).map((r) => ({ ...r, min: expect.closeTo(r.min, 9), max: expect.closeTo(r.max, 9), last: expect.closeTo(r.last, 9) })));
    }
    const [full] = await queryMetricCharts(t.db, t.orgId, { runIds: [run.id], keys: ["loss"], buckets: 100 });
    expect(Math.max(...full.points.map((p) => p.max ?? 0))).toBeGreaterThan(50); // the spikes survive
    const [summary] = await metricSummaries(t.db, t.orgId, [run.id]);
    expect(summary).toMatchObject({ n: 20_000, firstStep: 0, lastStep: 19_999, max: expect.closeTo(Math.max(...raw.map((p) => p.value)), 9) });
  });

  it("keeps every point an MLflow client logs at step 0 and charts them over time", async () => {
    const t = await createOrgWithAdmin();
    const run = await startRun(t);
    const t0 = Date.UTC(2026, 0, 1);
    for (let i = 0; i < 30; i++) await ingestMetrics(t.db, { id: run.id, orgId: t.orgId, attempt: null }, [{ key: "acc", value: i / 30, step: 0, timestamp: t0 + i * 1_000 }]);
    // The same point again (a client retry) is not a new point.
    await ingestMetrics(t.db, { id: run.id, orgId: t.orgId, attempt: null }, [{ key: "acc", value: 0, step: 0, timestamp: t0 }]);
    const history = await metricHistory(t.db, t.orgId, run.id, "acc", { limit: 100 });
    expect(history.points).toHaveLength(30);
    const [series] = await queryMetricCharts(t.db, t.orgId, { runIds: [run.id], keys: ["acc"], buckets: 10 });
    expect(series.points).toHaveLength(10);
    expect(series.points.at(-1)!.last).toBeCloseTo(29 / 30);
    expect(series.points.reduce((n, p) => n + p.n, 0)).toBe(30);
  });

  it("pages the raw history in order, NaN included", async () => {
    const t = await createOrgWithAdmin();
    const run = await startRun(t);
    await ingestMetrics(t.db, { id: run.id, orgId: t.orgId, attempt: null }, Array.from({ length: 25 }, (_, step) => ({ key: "x", step, value: step === 3 ? "NaN" : step, timestamp: 1_000 + step })));
    const seen: Array<number | string | null> = [];
    let after;
    do {
      const page = await metricHistory(t.db, t.orgId, run.id, "x", { after, limit: 10 });
      seen.push(...page.points.map((p) => p.value));
      after = page.next ?? undefined;
    } while (after);
    expect(seen).toHaveLength(25);
    expect(seen[3]).toBe("NaN");
    expect(seen[24]).toBe(24);
  });
});
