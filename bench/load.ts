import http from "node:http";

export interface LoadResult { requests: number; seconds: number; rps: number; errors: number }

/**
 * Closed-loop load: `concurrency` clients on kept-alive connections, each sending its next
 * request when the previous answered, until `total` requests or `seconds` have passed.
 */
export async function load(opts: {
  url: string; concurrency: number; seconds?: number; total?: number;
  request: (client: number, i: number) => { method: string; path: string; body?: string; headers?: Record<string, string> };
}): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: opts.concurrency });
  const base = new URL(opts.url);
  let sent = 0, done = 0, errors = 0;
  const start = performance.now();
  const until = opts.seconds ? start + opts.seconds * 1000 : Infinity;
  const next = () => (opts.total === undefined || sent < opts.total) && performance.now() < until ? sent++ : -1;
  const one = (client: number, i: number) => new Promise<void>((resolve) => {
    const r = opts.request(client, i);
    const req = http.request({ agent, host: base.hostname, port: base.port, method: r.method, path: r.path, headers: { ...r.headers, ...(r.body ? { "content-length": Buffer.byteLength(r.body) } : {}) } }, (res) => {
      if (res.statusCode! >= 300) errors++;
      res.resume();
      res.on("end", () => { done++; resolve(); });
    });
    req.on("error", () => { errors++; resolve(); });
    req.end(r.body);
  });
  await Promise.all(Array.from({ length: opts.concurrency }, async (_, client) => {
    for (let i = next(); i >= 0; i = next()) await one(client, i);
  }));
  const seconds = (performance.now() - start) / 1000;
  agent.destroy();
  return { requests: done, seconds, rps: done / seconds, errors };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** One line per figure: the measurement, its baseline, the ratio and the target it is held to. */
export function report(name: string, figure: string, baseline: string, ratio: number, target: string, ok: boolean) {
  console.log(`${ok ? "✔" : "✘"} ${name}\n    ${figure} vs ${baseline} → ratio ${ratio.toFixed(3)} (target ${target})`);
}
