import { createHash } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { ValidationError } from "@/server/errors";

export interface StoredObject { key: string; size: number; sha256: string }

/** Object storage behind one interface (ARCHITECTURE.md §10); `fs` today, `s3` with the same shape. */
export interface ObjectStore {
  put(key: string, body: ReadableStream<Uint8Array> | Readable, opts?: { maxBytes?: number }): Promise<StoredObject>;
  get(key: string): Promise<Readable>;
  delete(key: string): Promise<void>;
}

/** Rejects keys that could escape the store: absolute paths, `..`, empty or odd segments. */
export function assertSafeKey(key: string): void {
  const parts = key.split("/");
  if (key.startsWith("/") || key.includes("\\") || key.includes("\0") || parts.some((p) => p === "" || p === "." || p === "..")) {
    throw new ValidationError(`invalid object path "${key}"`);
  }
}

export function createFsObjectStore(root: string): ObjectStore {
  const resolve = (key: string) => {
    assertSafeKey(key);
    const full = path.resolve(root, key);
    if (!full.startsWith(path.resolve(root) + path.sep)) throw new ValidationError(`invalid object path "${key}"`);
    return full;
  };
  return {
    async put(key, body, opts = {}) {
      const full = resolve(key);
      await fs.mkdir(path.dirname(full), { recursive: true });
      // Stream to a temp file, then rename: readers never see a half-written object.
      const tmp = `${full}.upload-${process.pid}-${Date.now()}`;
      const hash = createHash("sha256");
      let size = 0;
      const meter = new Transform({
        transform(chunk: Buffer, _enc, cb) {
          size += chunk.length;
          if (opts.maxBytes !== undefined && size > opts.maxBytes) return cb(new ValidationError(`upload exceeds ${opts.maxBytes} bytes`));
          hash.update(chunk);
          cb(null, chunk);
        },
      });
      const source = body instanceof Readable ? body : Readable.fromWeb(body as import("node:stream/web").ReadableStream<Uint8Array>);
      try {
        await pipeline(source, meter, createWriteStream(tmp));
        await fs.rename(tmp, full);
      } catch (err) {
        await fs.rm(tmp, { force: true });
        throw err;
      }
      return { key, size, sha256: hash.digest("hex") };
    },
    async get(key) {
      const full = resolve(key);
      await fs.access(full);
      return createReadStream(full);
    },
    async delete(key) {
      await fs.rm(resolve(key), { force: true });
    },
  };
}
