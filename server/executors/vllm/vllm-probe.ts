import { RemoteCallError } from "../types";
import { httpCall, snippet } from "../http-call";

/**
 * Probes one serving endpoint the way vLLM's own routers do (ray-vllm-contracts.md §3): ready
 * means `/health` answers 200 and `/v1/models` lists the served model; load comes from
 * `/metrics` (vLLM's names) when it is there. Open Inference Protocol endpoints: `/v2/health/ready`
 * and `/v2/models/{name}`. Talks to the endpoint only; the caller records what it says.
 */
export interface ProbeResult { ready: boolean; error: string | null; running: number | null; waiting: number | null; kvCacheUsage: number | null }

const SYSTEM = "the endpoint";

export async function probeEndpoint(url: string, opts: { protocol: "openai" | "oip"; servedModel: string; key?: string; signal: AbortSignal; timeoutMs?: number }): Promise<ProbeResult> {
  const headers = opts.key ? { authorization: `Bearer ${opts.key}` } : undefined;
  const call = (path: string, auth = false) => httpCall(SYSTEM, `${url}${path}`, { method: "GET", headers: auth ? headers : undefined, signal: opts.signal, timeoutMs: opts.timeoutMs ?? 3000 });
  const down = (error: string): ProbeResult => ({ ready: false, error, running: null, waiting: null, kvCacheUsage: null });
  try {
    if (opts.protocol === "oip") {
      const ready = await call("/v2/health/ready");
      if (ready.status !== 200) return down(`/v2/health/ready answered ${ready.status}`);
      const model = await call(`/v2/models/${encodeURIComponent(opts.servedModel)}`, true);
      return model.status === 200 ? { ready: true, error: null, running: null, waiting: null, kvCacheUsage: null } : down(`/v2/models/${opts.servedModel} answered ${model.status}: ${snippet(model.text, 120)}`);
    }
    const health = await call("/health");
    if (health.status !== 200) return down(`/health answered ${health.status}`);
    const models = await call("/v1/models", true);
    if (models.status === 401 || models.status === 403) return down(`/v1/models refused the upstream key (${models.status})`);
    if (models.status !== 200) return down(`/v1/models answered ${models.status}`);
    let ids: string[] = [];
    try {
      ids = ((JSON.parse(models.text) as { data?: Array<{ id?: unknown }> }).data ?? []).map((m) => String(m.id));
    } catch { return down("/v1/models did not answer JSON"); }
    if (!ids.includes(opts.servedModel)) return down(`serves ${ids.join(", ") || "no model"}, not ${opts.servedModel}`);
    const metrics = await call("/metrics").catch(() => null);
    const load = metrics?.status === 200 ? parseLoad(metrics.text) : { running: null, waiting: null, kvCacheUsage: null };
    return { ready: true, error: null, ...load };
  } catch (err) {
    if (err instanceof RemoteCallError) return down(err.message);
    throw err;
  }
}

/** Sums vllm:num_requests_running and _waiting over engines; the largest vllm:kv_cache_usage_perc (older: gpu_cache_usage_perc). */
export function parseLoad(text: string): { running: number | null; waiting: number | null; kvCacheUsage: number | null } {
  let running: number | null = null;
  let waiting: number | null = null;
  let kv: number | null = null;
  for (const line of text.split("\n")) {
    const m = /^(vllm:num_requests_running|vllm:num_requests_waiting|vllm:kv_cache_usage_perc|vllm:gpu_cache_usage_perc)(?:\{[^}]*\})?\s+([-+0-9.eE]+|NaN)\s*$/.exec(line);
    if (!m) continue;
    const v = Number(m[2]);
    if (!Number.isFinite(v)) continue;
    if (m[1] === "vllm:num_requests_running") running = (running ?? 0) + v;
    else if (m[1] === "vllm:num_requests_waiting") waiting = (waiting ?? 0) + v;
    else kv = Math.max(kv ?? 0, v);
  }
  return { running, waiting, kvCacheUsage: kv };
}
