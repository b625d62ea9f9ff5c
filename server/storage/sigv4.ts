import { createHash, createHmac } from "node:crypto";

export interface S3Credentials { accessKeyId: string; secretAccessKey: string; region: string }

const sha256Hex = (data: string | Uint8Array) => createHash("sha256").update(data).digest("hex");
const hmac = (key: string | Buffer, data: string) => createHmac("sha256", key).update(data).digest();

/** RFC 3986 encoding as SigV4 wants it: everything but unreserved characters, `/` kept in paths. */
export function awsEncode(s: string, keepSlash = false): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(keepSlash ? /%2F/g : /$^/, "/");
}

/**
 * Signs one request with AWS Signature Version 4 (header form) for service `s3`.
 * `payloadHash` is the body's SHA-256 in hex, or `UNSIGNED-PAYLOAD` for streamed bodies
 * (which S3 accepts over TLS and every S3-compatible server accepts).
 * Returns the headers to send: the given ones plus host, x-amz-date, x-amz-content-sha256, authorization.
 */
export function signV4(creds: S3Credentials, req: { method: string; url: URL; headers?: Record<string, string>; payloadHash: string; now?: Date }): Record<string, string> {
  const amzDate = (req.now ?? new Date()).toISOString().replace(/[:-]|\.\d{3}/g, "");
  const day = amzDate.slice(0, 8);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers ?? {})) headers[k.toLowerCase()] = String(v).trim().replace(/\s+/g, " ");
  headers.host = req.url.host;
  headers["x-amz-date"] = amzDate;
  headers["x-amz-content-sha256"] = req.payloadHash;
  const names = Object.keys(headers).sort();
  const query = [...req.url.searchParams.entries()]
    .map(([k, v]) => [awsEncode(k), awsEncode(v)] as const)
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`).join("&");
  // The URL's path is already encoded once (see `objectUrl`); S3 does not encode it twice.
  const canonical = [req.method, req.url.pathname, query, names.map((n) => `${n}:${headers[n]}\n`).join(""), names.join(";"), req.payloadHash].join("\n");
  const scope = `${day}/${creds.region}/s3/aws4_request`;
  const toSign = ["AWS4-HMAC-SHA256", amzDate, scope, sha256Hex(canonical)].join("\n");
  const key = hmac(hmac(hmac(hmac(`AWS4${creds.secretAccessKey}`, day), creds.region), "s3"), "aws4_request");
  const signature = createHmac("sha256", key).update(toSign).digest("hex");
  headers.authorization = `AWS4-HMAC-SHA256 Credential=${creds.accessKeyId}/${scope}, SignedHeaders=${names.join(";")}, Signature=${signature}`;
  return headers;
}

export { sha256Hex };
