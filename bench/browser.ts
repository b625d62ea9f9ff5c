import { chromium } from "@playwright/test";
import { createRuns } from "./ingest";
import { median, report } from "./load";
import type { Stack } from "./stack";

/**
 * What a user waits for in the browser (Debian's Chromium, driven by Playwright), against the
 * production build: the runs table of a wide experiment, and 100 long runs overlaid in compare.
 * Data is seeded in SQL through the same ingestion function the API uses (rollups included):
 * this section measures reading, the others writing.
 */
export async function benchBrowser(stack: Stack) {
  const { sql } = stack;
  process.stdout.write("    (seeding 10,000 runs × 50 params × 20 metrics…)\n");
  const scale = Number(process.env.BENCH_SCALE ?? 1); // < 1 for a quick try of this section
  const wide = await seedRuns(stack, "wide", Math.round(10_000 * scale), 50, 20);
  const narrow = await seedRuns(stack, "narrow", 10, 50, 20);
  process.stdout.write("    (seeding 100 runs × 100,000 steps, and 100 runs × 1,000 steps…)\n");
  const long = await seedSeries(stack, "long", 100, Math.round(100_000 * scale));
  const short = await seedSeries(stack, "short", 100, 1_000);
  await sql`analyze`;

  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium" });
  try {
    const page = await browser.newPage({ baseURL: stack.url, viewport: { width: 1440, height: 1000 } });
    await page.goto("/login");
    await page.locator("#email").fill("bench@example.com");
    await page.locator("#password").fill("bench-password-1");
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(/\/bench(\/|$)/);

    // Ten params and ten metrics shown, sorted by a metric: the page a user opens to find the best run.
    const cols = [...Array.from({ length: 10 }, (_, i) => `params.p${i}`), ...Array.from({ length: 10 }, (_, i) => `metrics.m${i}`)].join(",");
    const table = (experimentId: string, rows: number) => async () => {
      await page.goto(`/bench/experiments/${experimentId}?cols=${cols}&sort=${encodeURIComponent("metrics.m0 ASC")}`);
      await page.getByTestId("runs-table").locator("tbody tr").nth(rows - 1).waitFor();
    };
    const wideMs = await timed(table(wide, 50));
    const narrowMs = await timed(table(narrow, 10));
    report("Runs table, 10,000 runs × 50 params × 20 metrics: first page in the browser", `${wideMs.toFixed(0)} ms`, `10 runs ${narrowMs.toFixed(0)} ms`, wideMs / narrowMs, "< 1,000 ms", wideMs < 1_000);

    const compare = (ids: string[]) => async () => {
      await page.goto(`/bench/experiments/compare?runs=${ids.join(",")}`);
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="compare-charts"] path.overlay-line, [data-testid="compare-charts"] .recharts-line path.recharts-curve').length >= 100);
    };
    const longMs = await timed(compare(long));
    const shortMs = await timed(compare(short));
    report("Compare, 100 runs × 100,000 steps: overlaid charts drawn in the browser", `${longMs.toFixed(0)} ms`, `100 × 1,000 steps ${shortMs.toFixed(0)} ms`, longMs / shortMs, "< 1,000 ms", longMs < 1_000);
  } catch (err) {
    // What the page showed, for whoever reads the failure.
    for (const p of browser.contexts().flatMap((c) => c.pages())) {
      await p.screenshot({ path: "/tmp/anvil-bench-failure.png", fullPage: true }).catch(() => {});
      console.error(`page ${p.url()} (screenshot: /tmp/anvil-bench-failure.png)`);
    }
    throw err;
  } finally {
    await browser.close();
  }
}

/** Median of 3 after a warm-up (the first visit compiles nothing in production, but warms caches). */
async function timed(fn: () => Promise<void>): Promise<number> {
  await fn();
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
  }
  return median(times);
}

/** `n` finished runs in a new experiment, with `params` params and `metrics` metrics of 5 points each. */
async function seedRuns(stack: Stack, name: string, n: number, params: number, metrics: number): Promise<string> {
  const { sql } = stack;
  const [template] = await createRuns(stack, 1, `bench-${name}`);
  const [{ experiment_id: experimentId, project_id: projectId }] = await sql<{ experiment_id: string; project_id: string }[]>`select experiment_id, project_id from runs where id = ${template}`;
  await sql`update runs set status = 'SUCCEEDED', finished_at = now() where id = ${template}`;
  const ids = (await sql<{ id: string }[]>`
    insert into runs (org_id, project_id, experiment_id, name, status, executor, started_at, finished_at, created_at)
    select ${stack.orgId}, ${projectId}, ${experimentId}, 'run-' || g, 'SUCCEEDED', 'external', now() - make_interval(mins => g), now(), now() - make_interval(mins => g)
    from generate_series(1, ${n - 1}) g returning id`).map((r) => r.id).concat(template);
  await sql`insert into run_params (run_id, org_id, key, value)
    select r, ${stack.orgId}, 'p' || k, (random() * 100)::int::text from unnest(${ids}::uuid[]) r, generate_series(0, ${params - 1}) k`;
  for (let i = 0; i < ids.length; i += 500) {
    await sql`select anvil_ingest_metrics(r, ${stack.orgId}, null,
        (select array_agg('m' || (x % ${metrics})) from generate_series(0, ${metrics * 5 - 1}) x),
        (select array_agg((x / ${metrics})::bigint) from generate_series(0, ${metrics * 5 - 1}) x),
        (select array_agg(now() + make_interval(secs => x)) from generate_series(0, ${metrics * 5 - 1}) x),
        (select array_agg(random()) from generate_series(0, ${metrics * 5 - 1}) x))
      from unnest(${ids.slice(i, i + 500)}::uuid[]) r`;
  }
  return experimentId;
}

/** `n` runs of one `loss` series of `steps` points each (a spike of 10 at step 5,003, then every 10,007 steps). */
async function seedSeries(stack: Stack, name: string, n: number, steps: number): Promise<string[]> {
  const ids = await createRuns(stack, n, `bench-${name}`);
  for (const id of ids) {
    await stack.sql`select anvil_ingest_metrics(${id}, ${stack.orgId}, null,
      array_fill('loss'::text, array[${steps}::int]),
      (select array_agg(g::bigint) from generate_series(0, ${steps - 1}) g),
      (select array_agg(timestamptz '2026-01-01' + make_interval(secs => g)) from generate_series(0, ${steps - 1}) g),
      (select array_agg(case when g % 10007 = 5003 then 10 else 1.0 / (g + 1) + random() * 0.01 end) from generate_series(0, ${steps - 1}) g))`;
  }
  await stack.sql`update runs set status = 'SUCCEEDED', finished_at = now() where id = any(${ids}::uuid[])`;
  return ids;
}
