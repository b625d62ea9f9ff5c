import { and, eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import * as metricsRoute from "@/app/api/v1/runs/[runId]/metrics/route";
import { metrics, runMetricSummaries } from "@/server/db/schema";
import { apiKeyFor, callerFor, createOrgWithAdmin } from "../helpers/fixtures";
import { call, type RouteHandler } from "../helpers/rest";

const post = (runId: string, token: string, body: unknown) => call(metricsRoute.POST as RouteHandler, { method: "POST", token, body, params: { runId } });

/** Concurrent one-point requests to one run are written together; nothing is lost or counted twice. */
describe("group commit of one run's metrics", () => {
  it("stores 300 concurrent one-point requests exactly once, says so to each, and counts replays as nothing", async () => {
    const t = await createOrgWithAdmin();
    const key = await apiKeyFor(t);
    const { id: runId } = await (await callerFor(t.adminId)).training.submit({ org: t.slug, job: { name: "burst", command: "true" } as never });
    const point = (step: number) => ({ metrics: [{ key: "loss", value: 1 / (step + 1), step, timestamp: 1_700_000_000_000 + step }] });
    const first = await Promise.all(Array.from({ length: 300 }, (_, i) => post(runId, key, point(i))));
    expect(await Promise.all(first.map((r) => r.json()))).toEqual(Array(300).fill({ accepted: 1, inserted: 1 }));
    // Half replays, half new, all at once: exactly the new ones are stored.
    const mixed = await Promise.all(Array.from({ length: 300 }, (_, i) => post(runId, key, point(150 + i))));
    const counts = await Promise.all(mixed.map(async (r) => (await r.json()).inserted as number));
    expect(counts.reduce((a, b) => a + b, 0)).toBe(150);
    const [{ n }] = await t.db.select({ n: sql<number>`count(*)::int` }).from(metrics).where(eq(metrics.runId, runId));
    expect(n).toBe(450);
    const [summary] = await t.db.select().from(runMetricSummaries).where(and(eq(runMetricSummaries.runId, runId), eq(runMetricSummaries.key, "loss")));
    expect({ n: summary.n, last: summary.lastStep }).toEqual({ n: 450, last: 449 });
  });

  it("fails every request of a shared write to a run the caller cannot reach", async () => {
    const owner = await createOrgWithAdmin();
    const { id: runId } = await (await callerFor(owner.adminId)).training.submit({ org: owner.slug, job: { name: "theirs", command: "true" } as never });
    const other = await createOrgWithAdmin();
    const key = await apiKeyFor(other);
    const res = await Promise.all(Array.from({ length: 20 }, (_, i) => post(runId, key, { metrics: [{ key: "x", value: i, step: i }] })));
    expect(res.map((r) => r.status)).toEqual(Array(20).fill(404));
    const [{ n }] = await owner.db.select({ n: sql<number>`count(*)::int` }).from(metrics).where(eq(metrics.runId, runId));
    expect(n).toBe(0);
  });
});
