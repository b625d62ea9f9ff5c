import { unseal } from "@/server/auth/secret-box";
import type { Db } from "@/server/db/client";
import { readCapped } from "@/server/api/input-guard";
import { began, affinityOf, coolingDown, ended, loadService, record, remember, runtimeOf, type Sample } from "./gateway-state";
import { pickReplica, pickVariant, prefixKey, stickyKeyOf, stickyPoint, type ReplicaLoad } from "./policy";
import { requestIdFor } from "./request-ids";
import { callUpstream, UpstreamTimeout, type UpstreamAnswer } from "./upstream";

/**
 * The OpenAI-compatible gateway: `/api/v1/services/{name}/v1/chat/completions`, `/v1/completions`,
 * `/v1/models` (and `/v2/…` for Open Inference Protocol services). Picks a replica by load,
 * retries on another only before the first byte, passes the answer through unchanged (SSE
 * included), stops the upstream when the client goes away, and counts what it saw.
 */

const MAX_ATTEMPTS = 3;
/** Non-streaming answers come whole, after the generation: a long one may take minutes. */
const HEADERS_TIMEOUT_MS = 300_000;
const MAX_BODY = 16 * 1024 * 1024;
const SHADOW_LIMIT_MS = 15 * 60_000;

const oai = (status: number, message: string, type: string) => Response.json({ error: { message, type, param: null, code: status } }, { status });

/**
 * The upstream path for a gateway path, given the model name the chosen variant serves; null
 * when the service does not offer the path. `names`: what an OIP caller may call the model.
 */
function route(protocol: "openai" | "oip", method: string, path: string[], names: string[]): ((served: string) => string) | null {
  const p = path.join("/");
  if (protocol === "openai") {
    if (method === "GET" && p === "v1/models") return () => "/v1/models";
    if (method === "POST" && (p === "v1/chat/completions" || p === "v1/completions")) return () => `/${p}`;
    return null;
  }
  if (method === "GET" && p === "v2/health/ready") return () => "/v2/health/ready";
  const m = /^v2\/models\/([^/]+)(\/infer|\/ready)?$/.exec(p);
  if (!m || !names.includes(m[1])) return null;
  if ((method === "GET" && m[2] !== "/infer") || (method === "POST" && m[2] === "/infer")) return (served) => `/v2/models/${encodeURIComponent(served)}${m[2] ?? ""}`;
  return null;
}

export async function gateway(req: Request, db: Db, orgId: string, name: string, path: string[]): Promise<Response> {
  const arrived = performance.now();
  const loaded = await loadService(db, orgId, name);
  if (!loaded || loaded.service.status === "STOPPED") return oai(404, `The service \`${name}\` does not exist.`, "NotFoundError");
  const { service, variants, replicas } = loaded;
  const upstreamPath = route(service.protocol, req.method, path, [service.name, ...variants.map((v) => v.servedModel)]);
  if (!upstreamPath) return oai(404, `No ${req.method} /${path.join("/")} on ${service.protocol === "openai" ? "an OpenAI-compatible" : "an Open Inference Protocol"} service`, "NotFoundError");

  // A caller may pin a variant: by the header, or (OpenAI) by naming the model one variant serves.
  let pinned = req.headers.get("x-anvil-variant");
  if (pinned !== null && !variants.some((v) => v.name === pinned)) return oai(404, `The service has no variant \`${pinned}\`.`, "NotFoundError");
  let parsed: Record<string, unknown> | null = null;
  if (req.method === "POST") {
    const raw = new TextDecoder().decode(await readCapped(req, MAX_BODY));
    try {
      const value = JSON.parse(raw) as unknown;
      if (!value || typeof value !== "object" || Array.isArray(value)) throw new Error("not an object");
      parsed = value as Record<string, unknown>;
    } catch {
      return oai(400, "The body must be a JSON object", "BadRequestError");
    }
    if (service.protocol === "openai" && parsed.model !== undefined && parsed.model !== service.name) {
      const serving = variants.filter((v) => v.servedModel === parsed!.model);
      if (serving.length === 0) return oai(404, `The model \`${String(parsed.model)}\` does not exist.`, "NotFoundError");
      if (serving.length === 1 && variants.some((v) => v.servedModel !== parsed!.model)) pinned ??= serving[0].name;
    }
  }
  const stream = parsed?.stream === true;
  const prefix = service.protocol === "openai" ? prefixKey(parsed) : null;
  const loads = (variantId: string): ReplicaLoad[] => replicas.filter((r) => r.variantId === variantId)
    .map((r) => ({ id: r.id, healthy: r.state === "ready", coolingDown: coolingDown(r.id), outstanding: runtimeOf(r.id).outstanding, waiting: r.waiting, kvCacheUsage: r.kvCacheUsage }));
  const sample = (s: Partial<Sample> & Pick<Sample, "status">): Sample => ({ path: `/${path.join("/")}`, replica: null, stream, latencyMs: performance.now() - arrived, ttftMs: null, promptTokens: null, completionTokens: null, error: null, attempts: 1, ...s });

  const tried = new Set<string>();
  const exhausted = new Set<string>();
  // Shadows take no live traffic: they get copies (below). A caller may still pin one to try it.
  const candidates = pinned ? variants.filter((v) => v.name === pinned) : variants.filter((v) => v.shadowPercent === 0);
  const stickyKey = stickyKeyOf(service.sticky, req.headers, parsed);
  const point = stickyKey !== null ? stickyPoint(`${service.id}:${stickyKey}`) : Math.random();
  const nextVariant = () => {
    const choice = pickVariant(candidates.map((v) => ({ name: v.name, weight: v.weight, available: pickReplica(loads(v.id), { exclude: tried }) !== null })), point, exhausted);
    return choice ? variants.find((v) => v.name === choice)! : null;
  };
  /**
   * A copy of the request to a shadow variant: its own replica, its answer read to the end and
   * discarded, its metrics kept under its name. Nothing of it reaches the caller, and its failure
   * is only counted.
   */
  const mirror = (shadow: (typeof variants)[number]) => {
    const pick = pickReplica(loads(shadow.id), { affinity: affinityOf(service.id, prefix) });
    if (!pick) return;
    const replica = replicas.find((r) => r.id === pick.id)!;
    const key = shadow.upstreamKey ? unseal(shadow.upstreamKey) : undefined;
    const began_ = performance.now();
    const shadowSample = (s: Partial<Sample> & Pick<Sample, "status">): Sample => ({ ...sample(s), latencyMs: performance.now() - began_ });
    began(pick.id);
    void callUpstream(`${replica.url}${upstreamPath(shadow.servedModel)}`, {
      // Nobody waits for a shadow: only a copy hung for a quarter hour is let go.
      method: req.method, signal: AbortSignal.timeout(SHADOW_LIMIT_MS), headersTimeoutMs: HEADERS_TIMEOUT_MS,
      body: JSON.stringify(service.protocol === "openai" ? { ...parsed, model: shadow.servedModel } : parsed),
      headers: { "content-type": "application/json", accept: req.headers.get("accept") ?? "*/*", ...(key ? { authorization: `Bearer ${key}` } : {}) },
    }).then(
      // The relay counts the shadow's answer (broken streams included) once it has been read to the end.
      (upstream) => void relay(db, orgId, { serviceId: service.id, variant: shadow.name, replicaId: pick.id }, upstream, 1, began_, shadowSample, new AbortController().signal).body?.pipeTo(new WritableStream()).catch(() => {}),
      (err: Error) => {
        ended(pick.id, false);
        record(db, orgId, service.id, shadow.name, shadowSample({ status: 503, replica: pick.id, error: `shadow call failed: ${err.message}` }));
      },
    );
  };

  // A failed attempt counts against its variant even when a retry elsewhere saves the request:
  // otherwise a failing canary would look healthy behind the stable variant's answers.
  let failures = 0;
  const failedAttempt = (variantName: string, replicaId: string, status: number) => {
    failures++;
    record(db, orgId, service.id, variantName, sample({ status, replica: replicaId, error: `${lastError}; retried`, attempts: tried.size }));
  };

  let variant = nextVariant();
  let lastError = "no replica is ready";
  for (let attempt = 1; attempt <= MAX_ATTEMPTS && variant; attempt++) {
    const pick = pickReplica(loads(variant.id), { exclude: tried, affinity: affinityOf(service.id, prefix) });
    if (!pick) {
      // Retries stay in the variant (an A/B assignment holds) while it has replicas left.
      exhausted.add(variant.name);
      variant = nextVariant();
      attempt--;
      continue;
    }
    tried.add(pick.id);
    const replica = replicas.find((r) => r.id === pick.id)!;
    const key = variant.upstreamKey ? unseal(variant.upstreamKey) : undefined;
    const body = parsed ? JSON.stringify(service.protocol === "openai" ? { ...parsed, model: variant.servedModel } : parsed) : undefined;
    began(pick.id);
    let upstream: UpstreamAnswer;
    try {
      upstream = await callUpstream(`${replica.url}${upstreamPath(variant.servedModel)}`, {
        method: req.method, body, signal: req.signal, headersTimeoutMs: HEADERS_TIMEOUT_MS,
        headers: { "content-type": "application/json", accept: req.headers.get("accept") ?? "*/*", ...(key ? { authorization: `Bearer ${key}` } : {}), ...(req.headers.get("x-request-id") ? { "x-request-id": req.headers.get("x-request-id")! } : {}) },
      });
    } catch (err) {
      ended(pick.id, false, !req.signal.aborted);
      if (req.signal.aborted) return new Response(null, { status: 499 });
      if (err instanceof UpstreamTimeout) {
        // It may still be generating: another try would only double the work.
        lastError = `a replica did not answer within ${HEADERS_TIMEOUT_MS / 1000} s`;
        if (failures > 0) failedAttempt(variant.name, pick.id, 504);
        break;
      }
      lastError = `a replica could not be reached (${(err as Error).message})`;
      failedAttempt(variant.name, pick.id, 502);
      continue;
    }
    // A 5xx before any byte reached the client: another replica may do better.
    if (upstream.status >= 500 && attempt < MAX_ATTEMPTS && candidates.some((v) => pickReplica(loads(v.id), { exclude: tried }))) {
      lastError = `a replica answered ${upstream.status}`;
      upstream.cancel();
      ended(pick.id, false);
      failedAttempt(variant.name, pick.id, upstream.status);
      continue;
    }
    remember(service.id, prefix, pick.id);
    if (parsed && !pinned) for (const shadow of variants) if (shadow.shadowPercent > 0 && Math.random() * 100 < shadow.shadowPercent) mirror(shadow);
    return relay(db, orgId, { serviceId: service.id, variant: variant.name, replicaId: pick.id }, upstream, attempt, arrived, sample, req.signal);
  }
  if (failures === 0) record(db, orgId, service.id, pinned ?? variant?.name ?? variants[0]?.name ?? "primary", sample({ status: 503, error: lastError, attempts: tried.size }));
  return oai(503, `No replica of \`${name}\` could answer: ${lastError}`, "ServiceUnavailableError");
}

/** Passes the upstream's answer through byte for byte, noting the first byte, usage and errors on the way. */
function relay(db: Db, orgId: string, { serviceId, variant, replicaId }: { serviceId: string; variant: string; replicaId: string }, upstream: UpstreamAnswer, attempts: number, arrived: number, sample: (s: Partial<Sample> & Pick<Sample, "status">) => Sample, clientGone: AbortSignal): Response {
  const sse = upstream.contentType.includes("text/event-stream");
  const decoder = new TextDecoder();
  let first: number | null = null;
  let pending = "";
  let collected = "";
  let usage: { prompt_tokens?: number; completion_tokens?: number } | null = null;
  let error: string | null = null;
  let done = false;
  const look = (obj: Record<string, unknown>) => {
    if (obj.usage && typeof obj.usage === "object") usage = obj.usage as typeof usage;
    const e = obj.error as { message?: unknown } | string | undefined;
    // Both of vLLM's envelopes: {"error": {"message"}} and the older flat {"object": "error", "message"}.
    if (e) error = typeof e === "string" ? e : String(e.message ?? "error");
    else if (obj.object === "error") error = String(obj.message ?? "error");
  };
  const scan = (text: string) => {
    if (!sse) { if (collected.length < 1 << 20) collected += text; return; }
    pending += text;
    let cut;
    while ((cut = pending.indexOf("\n\n")) >= 0) {
      const event = pending.slice(0, cut);
      pending = pending.slice(cut + 2);
      for (const line of event.split("\n")) {
        // Only the usage chunk and errors are read: parsing every token's chunk cost more than relaying it.
        if (!line.startsWith("data:") || !(line.includes('"usage":{') || line.includes('"usage": {') || line.includes('"error"'))) continue;
        try { look(JSON.parse(line.slice(5).trim())); } catch { /* not JSON: passed through all the same */ }
      }
    }
  };
  const finish = (outcome: "complete" | "aborted" | "broken") => {
    if (done) return;
    done = true;
    if (!sse && collected) { try { look(JSON.parse(collected)); } catch { /* not JSON */ } }
    const u = usage as { prompt_tokens?: number; completion_tokens?: number } | null;
    ended(replicaId, upstream.status < 500 && outcome !== "broken", outcome !== "aborted");
    record(db, orgId, serviceId, variant, sample({
      status: upstream.status, replica: replicaId, attempts, ttftMs: first === null ? null : first - arrived,
      promptTokens: u?.prompt_tokens ?? null, completionTokens: u?.completion_tokens ?? null,
      error: outcome === "aborted" ? "client went away" : outcome === "broken" ? "the replica's stream broke" : error,
    }));
  };
  const out = new ReadableStream<Uint8Array>({
    async pull(ctl) {
      let chunk;
      try {
        chunk = await upstream.chunks.next();
      } catch {
        // The client hanging up aborts the upstream call too: that is not the replica's failure.
        if (clientGone.aborted) { finish("aborted"); return ctl.error(new Error("the client went away")); }
        finish("broken");
        // Mid-stream, as vLLM reports its own: an error event, then [DONE].
        if (sse) {
          ctl.enqueue(new TextEncoder().encode(`data: ${JSON.stringify({ error: { message: "the model server's stream broke off", type: "ServiceUnavailableError", param: null, code: 503 } })}\n\ndata: [DONE]\n\n`));
          return ctl.close();
        }
        return ctl.error(new Error("the model server's answer broke off"));
      }
      if (chunk.done) { finish("complete"); return ctl.close(); }
      first ??= performance.now();
      scan(decoder.decode(chunk.value, { stream: true }));
      ctl.enqueue(chunk.value);
    },
    cancel() {
      // The client went away: stop the upstream too, so the replica stops generating.
      finish("aborted");
      upstream.cancel();
    },
  });
  // The request id names the variant, so feedback on the answer counts for the variant that gave it.
  const headers = new Headers({ "content-type": upstream.contentType, "x-anvil-replica": replicaId, "x-anvil-variant": variant, "x-anvil-request-id": requestIdFor(serviceId, variant) });
  if (sse) headers.set("cache-control", "no-cache");
  return new Response(out, { status: upstream.status, headers });
}
