/**
 * Which replica takes a request — a pure function, so the gateway's choice can be tested and
 * benchmarked alone. Least outstanding requests first (always known: the gateway counts them);
 * with vLLM's /metrics also its queue depth and KV-cache use; and prefix affinity: a prompt
 * sharing a long prefix with one a replica served recently goes back there (its prefix cache
 * holds it) unless that replica is overloaded. Cooled-down and unhealthy replicas are skipped.
 */
export interface ReplicaLoad {
  id: string;
  healthy: boolean;
  coolingDown: boolean;
  outstanding: number;
  /** vllm:num_requests_waiting and vllm:kv_cache_usage_perc, when scraped. */
  waiting?: number | null;
  kvCacheUsage?: number | null;
}

export interface PickOptions {
  /** Replicas already tried for this request (retries go elsewhere). */
  exclude?: ReadonlySet<string>;
  /** The replica that last served a prompt with this request's prefix, if any. */
  affinity?: string | null;
  /** Above this many outstanding + waiting requests more than the least loaded, affinity yields. */
  affinitySlack?: number;
}

/** Load as one number: requests in flight and queued, with a nearly full KV cache counting as more. */
export function loadScore(r: ReplicaLoad): number {
  const kv = r.kvCacheUsage ?? 0;
  return r.outstanding + (r.waiting ?? 0) + (kv > 0.9 ? 4 * (kv - 0.9) * 10 : 0);
}

export function pickReplica(replicas: readonly ReplicaLoad[], opts: PickOptions = {}): ReplicaLoad | null {
  const candidates = replicas.filter((r) => r.healthy && !r.coolingDown && !opts.exclude?.has(r.id));
  if (candidates.length === 0) return null;
  let best = candidates[0];
  for (const r of candidates) if (loadScore(r) < loadScore(best) || (loadScore(r) === loadScore(best) && r.outstanding < best.outstanding)) best = r;
  if (opts.affinity) {
    const sticky = candidates.find((r) => r.id === opts.affinity);
    if (sticky && loadScore(sticky) - loadScore(best) <= (opts.affinitySlack ?? 2) && (sticky.kvCacheUsage ?? 0) < 0.95) return sticky;
  }
  return best;
}

/**
 * The key prefix affinity uses: the first `chars` characters of the prompt (for chat, the
 * messages in order). Requests sharing a system prompt share it.
 */
export function prefixKey(body: unknown, chars = 256): string | null {
  const b = body as { prompt?: unknown; messages?: Array<{ content?: unknown }> };
  const text = typeof b?.prompt === "string" ? b.prompt
    : Array.isArray(b?.messages) ? b.messages.map((m) => (typeof m?.content === "string" ? m.content : JSON.stringify(m?.content ?? ""))).join("\u0000") : null;
  if (!text || text.length < 32) return null; // short prompts gain nothing from a cache
  return text.slice(0, chars);
}

export interface VariantChoice { name: string; weight: number; /** Has a replica that could take the request. */ available: boolean }

/**
 * Which variant takes a request: weighted at random among those with traffic (`u` uniform in
 * [0, 1)), as LiteLLM's weighted shuffle does. A variant without an available replica is
 * skipped and its share spread over the others; with no weighted variant left, any available one
 * serves (a canary at 0 % still answers when the stable variant is down). `exclude`: variants
 * already tried.
 */
export function pickVariant(variants: readonly VariantChoice[], u: number, exclude: ReadonlySet<string> = new Set()): string | null {
  const open = variants.filter((v) => v.available && !exclude.has(v.name));
  const weighted = open.filter((v) => v.weight > 0);
  if (weighted.length === 0) return open[0]?.name ?? null;
  const total = weighted.reduce((a, v) => a + v.weight, 0);
  let at = u * total;
  for (const v of weighted) {
    if (at < v.weight) return v.name;
    at -= v.weight;
  }
  return weighted.at(-1)!.name;
}

/**
 * Where a sticky key falls in [0, 1): FNV-1a, so the same user or session always draws the same
 * point and so the same variant while the split holds. Variants are laid out in creation order,
 * so a candidate added last that grows (5 → 10 → 25 %) only takes users over; none comes back.
 */
export function stickyPoint(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  // A final avalanche (murmur3's fmix32): FNV's low bits alone spread similar keys poorly.
  h ^= h >>> 16; h = Math.imul(h, 0x85ebca6b); h ^= h >>> 13; h = Math.imul(h, 0xc2b2ae35); h ^= h >>> 16;
  return (h >>> 0) / 2 ** 32;
}

/** The sticky key of a request: a header's value or a top-level body field's (string or number). */
export function stickyKeyOf(sticky: { from: "header" | "field"; name: string } | null, headers: Headers, body: Record<string, unknown> | null): string | null {
  if (!sticky) return null;
  if (sticky.from === "header") return headers.get(sticky.name) || null;
  const v = body?.[sticky.name];
  return typeof v === "string" && v !== "" ? v : typeof v === "number" ? String(v) : null;
}
