import { createHash, randomUUID } from "node:crypto";
import { createReadStream, mkdirSync } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import { ValidationError } from "@/server/errors";

export interface StoredObject { key: string; size: number; sha256: string }

/**
 * Sees the bytes of a `put` as they pass, before they are stored (a dataset's profile is made
 * so). A throw from either method fails the put, and nothing is kept.
 */
export interface ChunkObserver {
  chunk(bytes: Uint8Array): void;
  end(): void;
}

export interface PutOptions { maxBytes?: number; observe?: ChunkObserver }

/** Object storage behind one interface (ARCHITECTURE.md §10): `fs` here, `s3` in `s3-object-store.ts`. */
export interface ObjectStore {
  put(key: string, body: ReadableStream<Uint8Array> | Readable, opts?: PutOptions): Promise<StoredObject>;
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

/**
 * The body's chunks, counted, hashed, checked against `maxBytes` and shown to the observer on
 * the way. Read as an async iterable, not piped through Node streams: a web stream (what a
 * route handler gets) converted with Readable.fromWeb and piped moved a third of the bytes
 * per second this loop does (bench: datasets).
 */
export function meteredChunks(body: ReadableStream<Uint8Array> | Readable, opts: PutOptions = {}) {
  const hash = createHash("sha256");
  let size = 0;
  async function* chunks(): AsyncGenerator<Uint8Array> {
    for await (const piece of body as AsyncIterable<Uint8Array | string>) {
      // Node streams made from strings (Readable.from(["…"])) yield strings.
      const chunk = typeof piece === "string" ? Buffer.from(piece) : piece;
      size += chunk.length;
      if (opts.maxBytes !== undefined && size > opts.maxBytes) throw new ValidationError(`upload exceeds ${opts.maxBytes} bytes`);
      hash.update(chunk);
      opts.observe?.chunk(chunk);
      yield chunk;
    }
    opts.observe?.end();
  }
  return { chunks: chunks(), result: () => ({ size, sha256: hash.digest("hex") }) };
}

/** Writes are gathered to this size: one system call per few megabytes, not per 64 KiB. */
const WRITE_BATCH_BYTES = 4 * 1024 * 1024;

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
      const meter = meteredChunks(body, opts);
      const file = await fs.open(tmp, "wx", 0o600);
      try {
        let batch: Uint8Array[] = [];
        let batched = 0;
        for await (const chunk of meter.chunks) {
          batch.push(chunk);
          batched += chunk.length;
          if (batched >= WRITE_BATCH_BYTES) {
            await file.writev(batch);
            batch = [];
            batched = 0;
          }
        }
        if (batch.length > 0) await file.writev(batch);
        await file.close();
        await fs.rename(tmp, full);
      } catch (err) {
        await file.close().catch(() => {});
        await fs.rm(tmp, { force: true });
        // The body's source failing (the client went away) ends its iteration too.
        if (body instanceof Readable) body.destroy();
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
