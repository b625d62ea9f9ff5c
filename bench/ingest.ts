import { randomUUID } from "node:crypto";
import { pipeline } from "node:stream/promises";
import { Readable } from "node:stream";
import { BENCH_KEY, type Stack } from "./stack";
import { load, median, report } from "./load";

const BATCH = 1_000;
const auth = { authorization: `Bearer ${BENCH_KEY}`, "content-type": "application/json" };

export async function createRuns(stack: Stack, n: number, project = "bench"): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const res = await fetch(`${stack.url}/api/v1/runs`, { method: "POST", headers: auth, body: JSON.stringify({ project, name: `bench-${i}`, heartbeatTimeout: 0 }) });
    if (res.status !== 201) throw new Error(`creating a run: ${res.status} ${await res.text()}`);
    ids.push(((await res.json()) as { id: string }).id);
  }
  return ids;
}

function points(batch: number) {
  const t0 = Date.UTC(2026, 0, 1) + batch * BATCH;
  return Array.from({ length: BATCH }, (_, i) => ({ key: i % 2 ? "loss" : "acc", step: batch * (BATCH / 2) + (i >> 1), value: Math.random(), timestamp: t0 + i }));
}

async function httpRate(stack: Stack, writers: number, batches: number): Promise<number> {
  const runs = await createRuns(stack, writers);
  const bodies = Array.from({ length: batches }, (_, b) => JSON.stringify({ metrics: points(b) }));
  const next = new Array(writers).fill(0);
  const r = await load({
    url: stack.url, concurrency: writers, total: writers * batches,
    request: (c) => ({ method: "POST", path: `/api/v1/runs/${runs[c]}/metrics`, headers: auth, body: bodies[next[c]++ % batches] }),
  });
  if (r.errors) throw new Error(`${r.errors} ingestion requests failed`);
  return (r.requests * BATCH) / r.seconds;
}

/** The same rows, the same batches and concurrency, straight into the same table with COPY. */
async function copyRate(stack: Stack, writers: number, batches: number): Promise<number> {
  const start = performance.now();
  await Promise.all(Array.from({ length: writers }, async () => {
    const runId = randomUUID();
    for (let b = 0; b < batches; b++) {
      const text = points(b).map((p) => `${runId}\t${stack.orgId}\t1\t${p.key}\t${p.step}\t${new Date(p.timestamp).toISOString()}\t${p.value}\n`).join("");
      const stream = await stack.sql`copy metrics (run_id, org_id, attempt, key, step, ts, value) from stdin`.writable();
      await pipeline(Readable.from([text]), stream);
    }
  }));
  return (writers * batches * BATCH) / ((performance.now() - start) / 1000);
}

/** Diagnostic (BENCH_DEBUG): the ingestion function called straight over SQL, without the app. */
async function functionRate(stack: Stack, writers: number, batches: number): Promise<number> {
  const runs = await createRuns(stack, writers);
  const start = performance.now();
  await Promise.all(runs.map(async (run) => {
    for (let b = 0; b < batches; b++) {
      const ps = points(b);
      await stack.sql`select anvil_ingest_metrics(${run}::uuid, ${stack.orgId}::uuid, null, ${ps.map((p) => p.key)}::text[], ${ps.map((p) => p.step)}::bigint[], ${ps.map((p) => new Date(p.timestamp).toISOString())}::timestamptz[], ${ps.map((p) => p.value)}::float8[])`;
    }
  }));
  return (writers * batches * BATCH) / ((performance.now() - start) / 1000);
}

export async function benchIngestion(stack: Stack) {
  if (process.env.BENCH_DEBUG) for (const w of [4, 16]) console.log(`    (ingestion function over SQL, ${w} writers: ${Math.round(await functionRate(stack, w, Math.ceil(200 / w))).toLocaleString("en")} points/s)`);
  // One discarded round of each first: otherwise whichever runs first pays for a cold cache.
  await copyRate(stack, 4, 10);
  await httpRate(stack, 4, 10);
  for (const writers of [4, 16]) {
    const batches = Math.ceil(200 / writers);
    const http: number[] = [], copy: number[] = [];
    for (let rep = 0; rep < 3; rep++) {
      copy.push(await copyRate(stack, writers, batches));
      http.push(await httpRate(stack, writers, batches));
    }
    const h = median(http), c = median(copy);
    report(`Ingestion over HTTP, batches of 1,000, ${writers} writers`, `${Math.round(h).toLocaleString("en")} points/s`, `COPY ${Math.round(c).toLocaleString("en")} points/s`, h / c, "≥ 0.9", h / c >= 0.9);
  }
}

/**
 * One point per request, as MLflow clients send every `log_metric`: through our route and through
 * MLflow's `runs/log-metric`, each against a trivial route under the same load in the same run.
 */
export async function benchSinglePoint(stack: Stack) {
  const [run] = await createRuns(stack, 1, "single");
  const clients = 16;
  let step = 0;
  const routes = {
    "One point per request, 16 clients": () => ({ method: "POST", path: `/api/v1/runs/${run}/metrics`, headers: auth, body: JSON.stringify({ metrics: [{ key: "loss", value: Math.random(), step: step++, timestamp: Date.now() }] }) }),
    "MLflow log-metric, one point per request, 16 clients": () => ({ method: "POST", path: "/api/2.0/mlflow/runs/log-metric", headers: auth, body: JSON.stringify({ run_id: run, key: "mlflow_loss", value: Math.random(), timestamp: Date.now(), step: step++ }) }),
  };
  for (const [name, request] of Object.entries(routes)) {
    const ingest: number[] = [], trivial: number[] = [];
    for (let rep = 0; rep < 3; rep++) {
      trivial.push((await load({ url: stack.url, concurrency: clients, seconds: 4, request: () => ({ method: "GET", path: "/api/health?probe=live" }) })).rps);
      const r = await load({ url: stack.url, concurrency: clients, seconds: 4, request });
      if (r.errors) throw new Error(`${r.errors} requests failed (${name})`);
      ingest.push(r.rps);
    }
    const i = median(ingest), t = median(trivial);
    report(name, `${Math.round(i)} requests/s`, `trivial route ${Math.round(t)} requests/s`, i / t, "≥ 0.5", i / t >= 0.5);
  }
  return { run };
}
