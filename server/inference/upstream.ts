import http from "node:http";
import https from "node:https";

/**
 * One call to a replica over node:http with kept-alive connections. Not `fetch`: in a route
 * handler Next wraps the global fetch (cache and tracing bookkeeping), and undici's WHATWG
 * layer costs more again; together they were most of the gateway's added latency (2.6 ms at
 * concurrency 1 against 0.1 ms for a bare Node relay).
 */

const agents = { http: new http.Agent({ keepAlive: true, maxSockets: 1024 }), https: new https.Agent({ keepAlive: true, maxSockets: 1024 }) };

export interface UpstreamAnswer {
  status: number;
  contentType: string;
  /** The body as it arrives; it throws if the connection breaks before the answer is complete. */
  chunks: AsyncIterator<Uint8Array>;
  /** Stops reading and closes the connection (the client went away). */
  cancel(): void;
}

export class UpstreamTimeout extends Error {}

/**
 * Resolves when the replica's headers arrive. `signal` (the client's) aborts it at any time;
 * `headersTimeoutMs` only until the headers come: the body may stream for as long as it takes.
 */
export function callUpstream(url: string, opts: { method: string; headers: Record<string, string>; body?: string; signal: AbortSignal; headersTimeoutMs: number }): Promise<UpstreamAnswer> {
  return new Promise((resolve, reject) => {
    if (opts.signal.aborted) return reject(new Error("the client went away"));
    const secure = url.startsWith("https:");
    const headers = { ...opts.headers, ...(opts.body !== undefined ? { "content-length": String(Buffer.byteLength(opts.body)) } : {}) };
    const req = (secure ? https : http).request(url, { method: opts.method, headers, agent: secure ? agents.https : agents.http });
    const onAbort = () => req.destroy(new Error("the client went away"));
    opts.signal.addEventListener("abort", onAbort, { once: true });
    const timer = setTimeout(() => req.destroy(new UpstreamTimeout(`no answer within ${opts.headersTimeoutMs / 1000} s`)), opts.headersTimeoutMs);
    req.once("error", (err) => {
      clearTimeout(timer);
      opts.signal.removeEventListener("abort", onAbort);
      reject(err);
    });
    req.once("response", (res) => {
      clearTimeout(timer);
      const iterator = res[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
      resolve({
        status: res.statusCode ?? 502,
        contentType: String(res.headers["content-type"] ?? "application/json"),
        chunks: {
          async next() {
            const step = await iterator.next();
            // A connection closed early can end the iteration quietly: only a complete message is a whole answer.
            if (step.done && !res.complete) throw new Error("the connection closed before the answer was complete");
            if (step.done) opts.signal.removeEventListener("abort", onAbort);
            return step;
          },
        },
        cancel: () => {
          opts.signal.removeEventListener("abort", onAbort);
          res.destroy();
          req.destroy();
        },
      });
    });
    req.end(opts.body);
  });
}
