import http from "node:http";
import https from "node:https";
import { snippet } from "../http-call";
import { RemoteCallError } from "../types";

/** How to reach one Kubernetes API server (from a kubeconfig context or in-cluster files). */
export interface KubeConnection {
  server: string;
  namespace: string;
  token?: string;
  /** PEM texts. */
  ca?: string;
  clientCert?: string;
  clientKey?: string;
  insecureSkipTlsVerify?: boolean;
  timeoutMs?: number;
}

export interface KubeReply { status: number; body: unknown; text: string }

/**
 * Plain HTTP(S) to the API server — node:https, because client certificates and a private CA
 * are the norm there and fetch cannot take either without another dependency.
 */
export function kubeRequest(conn: KubeConnection, method: string, path: string, signal: AbortSignal, body?: unknown, contentType = "application/json"): Promise<KubeReply> {
  // Appended, not resolved: API servers behind a proxy live under a path (Rancher's /k8s/clusters/…).
  let url: URL;
  try {
    url = new URL(conn.server.replace(/\/+$/, "") + path);
  } catch {
    return Promise.reject(new RemoteCallError("rejected", `the API server address "${conn.server}" is not a URL`));
  }
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const headers: Record<string, string> = { accept: "application/json" };
  if (conn.token) headers.authorization = `Bearer ${conn.token}`;
  if (payload !== undefined) { headers["content-type"] = contentType; headers["content-length"] = String(Buffer.byteLength(payload)); }
  const timeoutMs = conn.timeoutMs ?? 15_000;
  const lib = url.protocol === "https:" ? https : http;
  return new Promise<KubeReply>((resolve, reject) => {
    const req = lib.request(url, {
      method, headers, signal,
      ...(url.protocol === "https:" ? { ca: conn.ca, cert: conn.clientCert, key: conn.clientKey, rejectUnauthorized: !conn.insecureSkipTlsVerify } : {}),
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("error", reject);
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        let parsed: unknown = undefined;
        try { parsed = text ? JSON.parse(text) : undefined; } catch { /* a proxied or broken reply: callers look at `text` */ }
        resolve({ status: res.statusCode ?? 0, body: parsed, text });
      });
    });
    req.setTimeout(timeoutMs, () => req.destroy(new RemoteCallError("timeout", `the Kubernetes API at ${url.origin} did not answer within ${Math.round(timeoutMs / 1000)} s`)));
    req.on("error", (err: NodeJS.ErrnoException) => {
      if (signal.aborted) return reject(signal.reason instanceof Error ? signal.reason : err);
      if (err instanceof RemoteCallError) return reject(err);
      reject(new RemoteCallError("unreachable", `cannot reach the Kubernetes API at ${url.origin} (${err.code ?? err.message})`));
    });
    req.end(payload);
  });
}

/** A Kubernetes `Status` failure as one line that says what to fix. */
export function kubeError(reply: KubeReply, what: string, resource = "rayjobs.ray.io"): RemoteCallError {
  const status = reply.body as { message?: string; reason?: string } | undefined;
  const detail = status?.message ?? snippet(reply.text);
  if (reply.status === 401) return new RemoteCallError("auth", `Kubernetes refused the cluster's credentials (401: ${detail})`, 401);
  if (reply.status === 403) return new RemoteCallError("auth", `Kubernetes forbids ${what} (403: ${detail}); the service account needs rights on ${resource}`, 403);
  // A missing CRD is the API server's plain "404 page not found", not a Status object.
  if (reply.status === 404 && reply.body === undefined && resource === "rayjobs.ray.io") {
    return new RemoteCallError("rejected", `the API server has no RayJob resource (is the KubeRay operator installed?): ${detail}`, 404);
  }
  if (reply.status >= 400 && reply.status < 500) return new RemoteCallError("rejected", `Kubernetes rejected ${what} (${reply.status}: ${detail})`, reply.status);
  return new RemoteCallError("unreachable", `Kubernetes failed ${what} (${reply.status}: ${detail})`, reply.status);
}
