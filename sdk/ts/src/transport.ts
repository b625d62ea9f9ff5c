/** One authenticated request to Anvil, retried on connection errors, 408, 429 and 5xx with jittered backoff. */

const RETRY_STATUSES = new Set([408, 429, 500, 502, 503, 504]);

/** Anvil refused the request for good (bad key, bad value): retrying will not help. */
export class AnvilError extends Error {
  constructor(readonly status: number, message: string) { super(`Anvil answered ${status}: ${message}`); }
}

/** The server could not be reached or kept failing: the caller may keep the data and try later. */
export class Unreachable extends Error {}

export interface TransportOptions { url: string; token: string; timeoutMs?: number }

export class Transport {
  readonly url: string;
  constructor(private readonly opts: TransportOptions) { this.url = opts.url.replace(/\/+$/, ""); }

  async request<T = Record<string, unknown>>(method: string, path: string, init: { json?: unknown; body?: BodyInit; contentType?: string; attempts?: number } = {}): Promise<T> {
    const attempts = init.attempts ?? 4;
    const headers: Record<string, string> = { authorization: `Bearer ${this.opts.token}` };
    const body = init.json !== undefined ? JSON.stringify(init.json) : init.body;
    if (body !== undefined) headers["content-type"] = init.json !== undefined ? "application/json" : init.contentType ?? "application/octet-stream";
    let delay = 500;
    let last = "";
    for (let attempt = 0; attempt < attempts; attempt++) {
      try {
        const res = await fetch(this.url + path, {
          method, headers, body, signal: AbortSignal.timeout(this.opts.timeoutMs ?? 30_000),
          // Streams (artifact uploads) need half-duplex in Node's fetch.
          ...(body && typeof body === "object" && "getReader" in body ? { duplex: "half" } : {}),
        } as RequestInit);
        const text = await res.text();
        if (res.ok) return (text ? JSON.parse(text) : {}) as T;
        if (!RETRY_STATUSES.has(res.status)) throw new AnvilError(res.status, messageOf(text));
        last = `HTTP ${res.status}`;
      } catch (err) {
        if (err instanceof AnvilError) throw err;
        last = err instanceof Error ? err.message : String(err);
        // A stream body cannot be sent twice.
        if (body && typeof body === "object" && "getReader" in body) break;
      }
      if (attempt < attempts - 1) {
        await new Promise((r) => setTimeout(r, delay * (0.5 + Math.random())));
        delay = Math.min(delay * 2, 30_000);
      }
    }
    throw new Unreachable(last);
  }
}

function messageOf(text: string): string {
  try {
    const parsed = JSON.parse(text) as { error?: { message?: string } | string; message?: string };
    return (typeof parsed.error === "object" ? parsed.error.message : parsed.error) ?? parsed.message ?? text;
  } catch {
    return text;
  }
}
