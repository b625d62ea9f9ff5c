import http from "node:http";
import type { AddressInfo } from "node:net";
import { pickReplica, type ReplicaLoad } from "@/server/inference/policy";
import { load, median, report } from "./load";
import { BENCH_KEY, type Stack } from "./stack";

/**
 * The gateway against calling its upstream directly: added latency at concurrency 1 (an upstream
 * that answers at once) and throughput at concurrency 64 (an upstream answering like a small
 * model: first token after 20 ms, then 20 tokens 5 ms apart), streaming and not. And the picking
 * policy against round-robin on a simulated workload.
 */

function smallModel(opts: { ttftMs: number; tokens: number; tokenMs: number }) {
  return http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      if (req.url === "/health") return void res.writeHead(200).end();
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}") as { stream?: boolean };
      const wait = (ms: number) => (ms > 0 ? new Promise((r) => setTimeout(r, ms)) : Promise.resolve());
      await wait(opts.ttftMs);
      if (body.stream) {
        res.writeHead(200, { "content-type": "text/event-stream" });
        for (let i = 0; i < opts.tokens; i++) {
          res.write(`data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"t${i} "},"finish_reason":null}]}\n\n`);
          await wait(opts.tokenMs);
        }
        return void res.end(`data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[],"usage":{"prompt_tokens":5,"completion_tokens":${opts.tokens},"total_tokens":${opts.tokens + 5}}}\n\ndata: [DONE]\n\n`);
      }
      await wait(opts.tokenMs * opts.tokens);
      res.writeHead(200, { "content-type": "application/json" });
      res.end(`{"id":"c","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"${"t ".repeat(opts.tokens)}"},"finish_reason":"length"}],"usage":{"prompt_tokens":5,"completion_tokens":${opts.tokens},"total_tokens":${opts.tokens + 5}}}`);
    });
  });
}

async function listen(server: http.Server) {
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A ready service with these endpoints (the bench stack runs no health checks). */
async function service(stack: Stack, name: string, endpoints: string[]) {
  const res = await fetch(`${stack.url}/api/v1/inference/services`, { method: "POST", headers: { authorization: `Bearer ${BENCH_KEY}`, "content-type": "application/json" }, body: JSON.stringify({ name, servedModel: "m", endpoints }) });
  if (res.status !== 201) throw new Error(`creating the service answered ${res.status}: ${await res.text()}`);
  const { id } = (await res.json()) as { id: string };
  await stack.sql`update service_replicas set state = 'ready' where service_id = ${id}`;
  await stack.sql`update inference_services set status = 'READY' where id = ${id}`;
}

async function latencies(url: string, path: string, n: number, stream: boolean) {
  const out: number[] = [];
  const body = JSON.stringify({ model: "m", messages: [{ role: "user", content: "hi" }], stream });
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    const res = await fetch(`${url}${path}`, { method: "POST", headers: { authorization: `Bearer ${BENCH_KEY}`, "content-type": "application/json" }, body });
    await res.text();
    if (res.status !== 200) throw new Error(`${path} answered ${res.status}`);
    out.push(performance.now() - t);
  }
  return out;
}

export async function benchGateway(stack: Stack) {
  const instant = smallModel({ ttftMs: 0, tokens: 20, tokenMs: 0 });
  const model = smallModel({ ttftMs: 20, tokens: 20, tokenMs: 5 });
  const [instantUrl, modelUrl] = [await listen(instant), await listen(model)];
  try {
    await service(stack, "bench-instant", [instantUrl]);
    await service(stack, "bench-model", [modelUrl]);
    // The floor: what any route handler of this server adds (no database, no upstream).
    const floor = async () => {
      const time = async (url: string) => { const out: number[] = []; for (let i = 0; i < 300; i++) { const t = performance.now(); await (await fetch(url)).text(); out.push(performance.now() - t); } return median(out); };
      await time(`${stack.url}/api/health?probe=live`);
      return (await time(`${stack.url}/api/health?probe=live`)) - (await time(`${instantUrl}/health`));
    };
    const trivial = await floor();
    for (const stream of [false, true]) {
      await latencies(stack.url, "/api/v1/services/bench-instant/v1/chat/completions", 50, stream); // warm-up
      const direct = median(await latencies(instantUrl, "/v1/chat/completions", 300, stream));
      const via = median(await latencies(stack.url, "/api/v1/services/bench-instant/v1/chat/completions", 300, stream));
      const added = via - direct;
      report(`Gateway added latency, concurrency 1, ${stream ? "streaming" : "non-streaming"} (p50)`, `${added.toFixed(2)} ms (${via.toFixed(2)} ms through the gateway; a trivial route handler adds ${trivial.toFixed(2)} ms here)`,
        `direct ${direct.toFixed(2)} ms`, via / direct, "≤ 1 ms added", added <= 1);
    }
    for (const stream of [false, true]) {
      const body = JSON.stringify({ model: "m", messages: [{ role: "user", content: "hi" }], stream });
      const headers = { authorization: `Bearer ${BENCH_KEY}`, "content-type": "application/json" };
      const direct = await load({ url: modelUrl, concurrency: 64, seconds: 5, request: () => ({ method: "POST", path: "/v1/chat/completions", body, headers }) });
      const via = await load({ url: stack.url, concurrency: 64, seconds: 5, request: () => ({ method: "POST", path: "/api/v1/services/bench-model/v1/chat/completions", body, headers }) });
      const ratio = via.rps / direct.rps;
      report(`Gateway throughput, concurrency 64, a small model's pace, ${stream ? "streaming" : "non-streaming"}`, `${via.rps.toFixed(0)} requests/s (${via.errors} errors)`,
        `direct ${direct.rps.toFixed(0)} requests/s`, ratio, "≥ 0.9 of direct", ratio >= 0.9 && via.errors === 0);
    }
  } finally {
    instant.close();
    model.close();
  }
  benchPicking();
}

/**
 * 4 replicas whose time to first token grows with their queue and falls 4× on a prefix-cache hit;
 * 8 system prompts shared by the requests (a chat app's workload). Simulated in virtual time:
 * the policy is a pure function, so this measures its choices, not the machine.
 */
function benchPicking() {
  const run = (choose: (replicas: ReplicaLoad[], prefix: string, i: number) => string) => {
    const replicas = Array.from({ length: 4 }, (_, i) => ({ id: `r${i}`, busyUntil: [] as number[], cache: new Set<string>() }));
    const ttfts: number[] = [];
    let now = 0;
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let i = 0; i < 4000; i++) {
      now += -Math.log(1 - rand()) * 6; // Poisson arrivals, 1 every 6 ms on average
      const prefix = `system-${Math.floor(rand() * 8)}`;
      for (const r of replicas) r.busyUntil = r.busyUntil.filter((t) => t > now);
      const loads: ReplicaLoad[] = replicas.map((r) => ({ id: r.id, healthy: true, coolingDown: false, outstanding: r.busyUntil.length }));
      const id = choose(loads, prefix, i);
      const r = replicas.find((x) => x.id === id)!;
      const hit = r.cache.has(prefix);
      const ttft = (hit ? 5 : 20) * (1 + r.busyUntil.length * 0.5);
      ttfts.push(ttft);
      r.busyUntil.push(now + ttft + 60); // then 60 ms of decoding
      r.cache.add(prefix);
      if (r.cache.size > 4) r.cache.delete(r.cache.values().next().value!); // a small prefix cache
    }
    const sorted = ttfts.sort((a, b) => a - b);
    return { p95: sorted[Math.floor(sorted.length * 0.95)] };
  };
  const affinityMap = new Map<string, string>();
  const policy = run((loads, prefix) => {
    const pick = pickReplica(loads, { affinity: affinityMap.get(prefix) ?? null })!;
    affinityMap.set(prefix, pick.id);
    return pick.id;
  });
  const roundRobin = run((loads, _prefix, i) => loads[i % loads.length].id);
  const ratio = policy.p95 / roundRobin.p95;
  report("Replica picking (load + prefix affinity) vs round-robin, 4 replicas, shared system prompts (simulated)", `p95 TTFT ${policy.p95.toFixed(1)} ms`,
    `round-robin ${roundRobin.p95.toFixed(1)} ms`, ratio, "≤ 0.7", ratio <= 0.7);
}
