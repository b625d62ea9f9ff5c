import http from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { findRoutes, routeHandlers } from "./procedures";
import type { RouteHandler } from "./rest";

/**
 * The app's REST route handlers served over real HTTP, as Next would serve them: so jobs the
 * tests start (the pipeline's phases) can reach the API with their run tokens. Routes match
 * like the App Router's: static segments, `[param]`, `[...rest]`.
 */
export async function startAppHttp(): Promise<{ url: string; close(): Promise<void> }> {
  const table = await Promise.all(findRoutes().map(async (r) => ({
    pattern: new RegExp(`^/api/${r.route.split("/").map((s) => (s.startsWith("[...") ? "(.+)" : s.startsWith("[") ? "([^/]+)" : s.replace(/[.]/g, "\\."))).join("/")}$`),
    params: r.params, rest: r.route.includes("[..."), handlers: new Map(await routeHandlers(r)),
    // Static segments first (tasks/standard before tasks/[id]), as the App Router does.
    rank: -r.params.length,
  })));
  table.sort((a, b) => b.rank - a.rank);
  const server = http.createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      const hit = table.find((t) => t.pattern.test(url.pathname));
      const handler: RouteHandler | undefined = hit?.handlers.get(req.method ?? "GET");
      if (!hit || !handler) { res.writeHead(404).end(); return; }
      const values = url.pathname.match(hit.pattern)!.slice(1).map(decodeURIComponent);
      const params = Object.fromEntries(hit.params.map((p, i) => [p, hit.rest && i === hit.params.length - 1 ? values[i].split("/") : values[i]]));
      const body = req.method === "GET" || req.method === "HEAD" ? undefined : (Readable.toWeb(req) as ReadableStream);
      // As Next does: the request's signal aborts and the answer's stream is cancelled when the client goes away.
      const gone = new AbortController();
      res.on("close", () => { if (!res.writableFinished) gone.abort(); });
      const request = new Request(url, { method: req.method, headers: req.headers as Record<string, string>, body, signal: gone.signal, ...(body ? { duplex: "half" } : {}) } as RequestInit);
      const response = await handler(request, { params: Promise.resolve(params) });
      res.writeHead(response.status, Object.fromEntries(response.headers));
      if (response.body) {
        const reader = response.body.getReader();
        gone.signal.addEventListener("abort", () => void reader.cancel().catch(() => {}));
        for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) res.write(chunk.value);
      }
      res.end();
    } catch (err) {
      res.writeHead(500).end(String(err));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }) };
}
