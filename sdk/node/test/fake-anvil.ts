// A real node:http server speaking just enough of Anvil's run API for tests: it records
// every request and answers like the real server unless a test overrides the reply.
import { createHash } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  /** Parsed body for JSON requests. */
  json?: any;
  /** The status the server answered with. */
  status?: number;
}

export interface Reply {
  status: number;
  body?: unknown;
}

export type Responder = (req: RecordedRequest) => Reply | undefined;

export interface FakeAnvil {
  url: string;
  requests: RecordedRequest[];
  /** Answer with `responder` first; returning undefined falls back to the normal reply. */
  respond(responder: Responder): void;
  /** Metric points the server accepted (2xx), in arrival order. */
  points(): Array<{ key: string; value: number | string; step: number; timestamp?: number }>;
  close(): Promise<void>;
}

function normalReply(req: RecordedRequest): Reply {
  if (req.path.endsWith("/metrics")) {
    const n = req.json.metrics.length;
    return { status: 200, body: { accepted: n, inserted: n } };
  }
  const artifact = /\/artifacts\/(.+)$/.exec(req.path);
  if (artifact) {
    const sha256 = createHash("sha256").update(req.body).digest("hex");
    return { status: 201, body: { path: decodeURIComponent(artifact[1]), size: req.body.length, sha256 } };
  }
  return { status: 200, body: {} };
}

export async function startFakeAnvil(): Promise<FakeAnvil> {
  const requests: RecordedRequest[] = [];
  let responder: Responder = () => undefined;
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk);
    const body = Buffer.concat(chunks);
    const isJson = req.headers["content-type"] === "application/json";
    const recorded: RecordedRequest = {
      method: req.method ?? "",
      path: req.url ?? "",
      headers: req.headers,
      body,
      json: isJson ? JSON.parse(body.toString("utf8")) : undefined,
    };
    requests.push(recorded);
    const reply = responder(recorded) ?? normalReply(recorded);
    recorded.status = reply.status;
    res.writeHead(reply.status, { "content-type": "application/json" });
    res.end(JSON.stringify(reply.body ?? {}));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    respond: (r) => {
      responder = r;
    },
    points: () =>
      requests
        .filter((r) => r.path.endsWith("/metrics") && r.status! < 300)
        .flatMap((r) => r.json.metrics),
    close: () => {
      server.closeAllConnections(); // fetch keeps connections alive; don't wait for them
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
