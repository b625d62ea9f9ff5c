import { createHash, randomUUID } from "node:crypto";
import { createReadStream, createWriteStream, mkdirSync } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { ValidationError } from "@/server/errors";

export interface StoredObject { key: string; size: number; sha256: string }

/** Object storage behind one interface (ARCHITECTURE.md §10): `fs` here, `s3` in `s3-object-store.ts`. */
export interface ObjectStore {
  put(key: string, body: ReadableStream<Uint8Array> | Readable, opts?: { maxBytes?: number }): Promise<StoredObject>;
  /** The object's bytes; `range` (inclusive ends, as HTTP Range) reads part of it. */
  get(key: string, range?: { start: number; end: number }): Promise<Readable>;
  delete(key: string): Promise<void>;
}

/** Rejects keys that could escape the store: absolute paths, `..`, empty or odd segments. */
export function assertSafeKey(key: string): void {
  const parts = key.split("/");
  if (key.startsWith("/") || key.includes("\\") || key.includes("\0") || parts.some((p) => p === "" || p === "." || p === "..")) {
    throw new ValidationError(`invalid object path "${key}"`);
  }
}

export function toReadable(body: ReadableStream<Uint8Array> | Readable): Readable {
  return body instanceof Readable ? body : Readable.fromWeb(body as import("node:stream/web").ReadableStream<Uint8Array>);
}

/** A pass-through that counts and hashes the bytes, failing once they exceed `maxBytes`. */
export function createMeter(maxBytes?: number) {
  const hash = createHash("sha256");
  let size = 0;
  const stream = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      size += chunk.length;
      if (maxBytes !== undefined && size > maxBytes) return cb(new ValidationError(`upload exceeds ${maxBytes} bytes`));
      hash.update(chunk);
      cb(null, chunk);
    },
  });
  return { stream, result: () => ({ size, sha256: hash.digest("hex") }) };
}

export function createFsObjectStore(root: string): ObjectStore {
  mkdirSync(root, { recursive: true, mode: 0o700 });
  const resolve = (key: string) => {
    assertSafeKey(key);
    const full = path.resolve(root, key);
    if (!full.startsWith(path.resolve(root) + path.sep)) throw new ValidationError(`invalid object path "${key}"`);
    return full;
  };
  return {
    async put(key, body, opts = {}) {
      const full = resolve(key);
      // Private to the app's user: jobs and other local accounts must not read tenants' files.
      await fs.mkdir(path.dirname(full), { recursive: true, mode: 0o700 });
      // Stream to a temp file of its own, then rename: readers never see a half-written object,
      // and concurrent writers of one key never share a temp file.
      const tmp = `${full}.upload-${randomUUID()}`;
      const meter = createMeter(opts.maxBytes);
      try {
        await pipeline(toReadable(body), meter.stream, createWriteStream(tmp));
        await fs.rename(tmp, full);
      } catch (err) {
        await fs.rm(tmp, { force: true });
        throw err;
      }
      return { key, ...meter.result() };
    },
    async get(key, range) {
      const full = resolve(key);
      await fs.access(full);
      return createReadStream(full, range);
    },
    async delete(key) {
      await fs.rm(resolve(key), { force: true });
    },
  };
}
