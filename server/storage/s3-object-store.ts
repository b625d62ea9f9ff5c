import { Readable } from "node:stream";
import { assertSafeKey, meteredChunks, type ObjectStore } from "./object-store";
import { awsEncode, sha256Hex, signV4, type S3Credentials } from "./sigv4";

export interface S3Config extends S3Credentials {
  bucket: string;
  /** An S3-compatible server (MinIO, R2, Ceph…), addressed path-style; unset ⇒ AWS, virtual-hosted. */
  endpoint?: string;
  /** Multipart part size: the most an upload holds in memory at once. */
  partBytes?: number;
}

/** S3 refuses parts under 5 MiB (but the last); 8 MiB keeps an upload's memory small and flat. */
const DEFAULT_PART = 8 * 1024 * 1024;
const CALL_TIMEOUT_MS = 60_000;

export class S3Error extends Error {
  constructor(readonly status: number, readonly code: string, message: string) { super(`S3 ${status} ${code}: ${message}`); }
}

/**
 * The `s3` backend over S3's REST API with Signature V4, no SDK: PUT streams through multipart
 * upload one part at a time (a single PUT when the object fits in one part), GET streams the
 * response body and honours ranges, DELETE is idempotent as S3's is.
 */
export function createS3ObjectStore(config: S3Config): ObjectStore {
  const partBytes = Math.max(config.partBytes ?? DEFAULT_PART, 5 * 1024 * 1024);
  // Path-style for S3-compatible servers, and for dotted bucket names on AWS (a dot breaks the
  // virtual-hosted certificate, *.s3.<region>.amazonaws.com).
  const base = config.endpoint
    ? `${config.endpoint.replace(/\/+$/, "")}/${awsEncode(config.bucket)}`
    : config.bucket.includes(".")
      ? `https://s3.${config.region}.amazonaws.com/${awsEncode(config.bucket)}`
      : `https://${config.bucket}.s3.${config.region}.amazonaws.com`;
  const objectUrl = (key: string, query: Record<string, string> = {}) => {
    assertSafeKey(key);
    const url = new URL(`${base}/${awsEncode(key, true)}`);
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
    return url;
  };

  async function call(method: string, url: URL, init: { headers?: Record<string, string>; body?: Buffer; stream?: boolean } = {}) {
    const payloadHash = init.body ? sha256Hex(init.body) : sha256Hex("");
    const headers = signV4(config, { method, url, headers: init.headers, payloadHash });
    delete headers.host; // fetch sets it, from the same URL
    // Every call must answer within the timeout; a streamed body may then take as long as it needs.
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(new S3Error(504, "Timeout", `no answer within ${CALL_TIMEOUT_MS / 1000} s`)), CALL_TIMEOUT_MS);
    let res: Response;
    try {
      res = await fetch(url, { method, headers, body: init.body ? new Uint8Array(init.body) : undefined, signal: abort.signal });
    } finally {
      if (init.stream) clearTimeout(timer);
    }
    if (!init.stream) {
      try { await res.clone().arrayBuffer(); } finally { clearTimeout(timer); }
    }
    if (!res.ok) {
      const text = await res.text().catch(() => "");
      const tag = (name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(text)?.[1];
      throw new S3Error(res.status, tag("Code") ?? "Error", tag("Message") ?? (text.slice(0, 200) || res.statusText));
    }
    return res;
  }

  /** Yields the stream in buffers of exactly `partBytes` (the last one shorter). */
  async function* parts(source: AsyncIterable<Uint8Array>) {
    let pending: Uint8Array[] = [];
    let length = 0;
    let yielded = false;
    for await (const chunk of source) {
      pending.push(chunk);
      length += chunk.length;
      while (length >= partBytes) {
        const all = Buffer.concat(pending);
        yielded = true;
        yield all.subarray(0, partBytes);
        pending = [all.subarray(partBytes)];
        length -= partBytes;
      }
    }
    // The remainder, if any; an empty object is still one (empty) part.
    if (length > 0 || !yielded) yield Buffer.concat(pending);
  }

  return {
    async put(key, body, opts = {}) {
      const url = objectUrl(key);
      const meter = meteredChunks(body, opts);
      const iterator = parts(meter.chunks)[Symbol.asyncIterator]();
      const first = await iterator.next();
      const firstPart = first.done ? Buffer.alloc(0) : first.value;
      const second = await iterator.next();
      if (second.done) {
        await call("PUT", url, { body: firstPart, headers: { "content-type": "application/octet-stream" } });
        return { key, ...meter.result() };
      }
      let uploadId: string | undefined;
      const etags: string[] = [];
      try {
        const created = await (await call("POST", objectUrl(key, { uploads: "" }))).text();
        uploadId = /<UploadId>([^<]+)<\/UploadId>/.exec(created)?.[1];
        if (!uploadId) throw new S3Error(502, "NoUploadId", "CreateMultipartUpload returned no UploadId");
        const id = uploadId;
        const upload = async (part: Buffer) => {
          const res = await call("PUT", objectUrl(key, { partNumber: String(etags.length + 1), uploadId: id }), { body: part });
          etags.push(res.headers.get("etag") ?? "");
        };
        await upload(firstPart);
        await upload(second.value);
        for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
          if (next.value.length > 0) await upload(next.value);
        }
        const xml = `<CompleteMultipartUpload>${etags.map((e, i) => `<Part><PartNumber>${i + 1}</PartNumber><ETag>${e}</ETag></Part>`).join("")}</CompleteMultipartUpload>`;
        const done = await call("POST", objectUrl(key, { uploadId: id }), { body: Buffer.from(xml), headers: { "content-type": "application/xml" } });
        // S3 may answer 200 with an <Error> body when completion fails late.
        const text = await done.text();
        if (text.includes("<Error>")) throw new S3Error(500, /<Code>([^<]*)/.exec(text)?.[1] ?? "Error", "CompleteMultipartUpload failed");
      } catch (err) {
        await iterator.return?.(undefined);
        if (body instanceof Readable) body.destroy();
        if (uploadId) await call("DELETE", objectUrl(key, { uploadId })).catch(() => {});
        throw err;
      }
      return { key, ...meter.result() };
    },
    async get(key, range) {
      const res = await call("GET", objectUrl(key), { stream: true, headers: range ? { range: `bytes=${range.start}-${range.end}` } : {} });
      if (!res.body) return Readable.from([]);
      return Readable.fromWeb(res.body as import("node:stream/web").ReadableStream<Uint8Array>);
    },
    async delete(key) {
      await call("DELETE", objectUrl(key));
    },
  };
}
