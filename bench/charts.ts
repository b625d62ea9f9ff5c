import { createDb } from "@/server/db/client";
import { queryMetricCharts } from "@/server/tracking/metric-charts";
import { createRuns } from "./ingest";
import { load, median, report } from "./load";
import { BENCH_KEY, type Stack } from "./stack";

const auth = { authorization: `Bearer ${BENCH_KEY}`, "content-type": "application/json" };

async function fill(stack: Stack, runId: string, n: number) {
  const batches = Math.ceil(n / 1_000);
  const t0 = Date.UTC(2026, 0, 1);
  const r = await load({
    url: stack.url, concurrency: 2, total: batches,
    request: (_c, b) => ({
      method: "POST", path: `/api/v1/runs/${runId}/metrics`, headers: auth,
      body: JSON.stringify({ metrics: Array.from({ length: 1_000 }, (_, i) => ({ key: "loss", step: b * 1_000 + i, value: Math.random(), timestamp: t0 + b * 1_000 + i })) }),
    }),
  });
  if (r.errors) throw new Error(`${r.errors} fill requests failed`);
}

/** Median of `reps` after a warm-up; a chart takes a few milliseconds, so many reps steady it. */
async function time(fn: () => Promise<unknown>, reps = 15): Promise<number> {
  await fn();
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
  }
  return median(times);
}

/** A chart of a 1M-point series at 1,000 buckets, against reading it raw and against a 10k series. */
export async function benchCharts(stack: Stack) {
  const [small, big] = await createRuns(stack, 2, "charts");
  process.stdout.write("    (filling a 10,000-point and a 1,000,000-point series…)\n");
  await fill(stack, small, 10_000);
  await fill(stack, big, 1_000_000);
  const { db, sql } = createDb(stack.dbUrl, 2);
  const chart = (runId: string) => () => queryMetricCharts(db, stack.orgId, { runIds: [runId], keys: ["loss"], buckets: 1_000 });
  const chartBig = await time(chart(big));
  const chartSmall = await time(chart(small));
  const raw = await time(() => sql`select step, ts, value from metrics where run_id = ${big} and key = 'loss'`, 3);
  await sql.end();
  report("Chart of a 1,000,000-point series (1,000 buckets) vs reading it raw", `${chartBig.toFixed(1)} ms`, `raw ${raw.toFixed(0)} ms`, chartBig / raw, "≤ 0.05", chartBig / raw <= 0.05);
  report("Chart of 1,000,000 points vs 10,000 points", `${chartBig.toFixed(1)} ms`, `${chartSmall.toFixed(1)} ms`, chartBig / chartSmall, "≤ 2", chartBig / chartSmall <= 2);
}
