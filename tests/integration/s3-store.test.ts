import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import S3rver from "s3rver";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemActor } from "@/server/tenancy/actor";
import { createS3ObjectStore, S3Error } from "@/server/storage/s3-object-store";
import { openArtifact, uploadArtifact } from "@/server/tracking/artifacts";
import { callerFor, createOrgWithAdmin } from "../helpers/fixtures";

/** A real S3-compatible server (s3rver checks Signature V4 and speaks multipart), on a temp dir. */
let server: S3rver;
let endpoint = "";
let dir = "";
const creds = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER", region: "us-east-1" };

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "anvil-s3rver-"));
  server = new S3rver({ port: 0, address: "127.0.0.1", silent: true, directory: dir, configureBuckets: [{ name: "anvil-test", configs: [] }] });
  const { port } = await server.run();
  endpoint = `http://127.0.0.1:${port}`;
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

const store = (partBytes?: number) => createS3ObjectStore({ ...creds, bucket: "anvil-test", endpoint, partBytes });
const text = async (r: Readable) => Buffer.concat(await r.toArray()).toString();

/** `n` bytes of a deterministic pattern, produced lazily in 64 KiB chunks. */
function generated(n: number) {
  const hash = createHash("sha256");
  async function* chunks() {
    for (let off = 0; off < n; off += 65_536) {
      const chunk = Buffer.alloc(Math.min(65_536, n - off), off % 251);
      hash.update(chunk);
      yield chunk;
    }
  }
  return { stream: Readable.from(chunks()), digest: () => hash.digest("hex") };
}

describe("the s3 object store against a real S3-compatible server", () => {
  it("puts, gets whole and by range, and deletes a small object", async () => {
    const s3 = store();
    const put = await s3.put("artifacts/o/r/hello", Readable.from([Buffer.from("hello, s3 world")]));
    expect(put).toEqual({ key: "artifacts/o/r/hello", size: 15, sha256: createHash("sha256").update("hello, s3 world").digest("hex") });
    expect(await text(await s3.get("artifacts/o/r/hello"))).toBe("hello, s3 world");
    expect(await text(await s3.get("artifacts/o/r/hello", { start: 7, end: 8 }))).toBe("s3");
    await s3.delete("artifacts/o/r/hello");
    await expect(s3.get("artifacts/o/r/hello")).rejects.toMatchObject({ status: 404, code: "NoSuchKey" });
    await expect(s3.delete("artifacts/o/r/hello")).resolves.toBeUndefined();
  });

  it("streams a 23 MB upload through multipart parts and reads back the same bytes", async () => {
    const s3 = store(5 * 1024 * 1024);
    const body = generated(23 * 1024 * 1024 + 17);
    const put = await s3.put("big/object.bin", body.stream);
    expect(put.size).toBe(23 * 1024 * 1024 + 17);
    expect(put.sha256).toBe(body.digest());
    const back = createHash("sha256");
    for await (const chunk of await s3.get("big/object.bin")) back.update(chunk as Buffer);
    expect(back.digest("hex")).toBe(put.sha256);
  });

  it("stores an object of exactly one part, and an empty one", async () => {
    const s3 = store(5 * 1024 * 1024);
    expect((await s3.put("edge/one-part.bin", generated(5 * 1024 * 1024).stream)).size).toBe(5 * 1024 * 1024);
    let n = 0;
    for await (const chunk of await s3.get("edge/one-part.bin")) n += (chunk as Buffer).length;
    expect(n).toBe(5 * 1024 * 1024);
    expect((await s3.put("edge/empty", Readable.from([]))).size).toBe(0);
    expect(await text(await s3.get("edge/empty"))).toBe("");
  });

  it("fails an upload over its limit and leaves no object behind", async () => {
    const s3 = store(5 * 1024 * 1024);
    await expect(s3.put("big/too-large.bin", generated(12 * 1024 * 1024).stream, { maxBytes: 11 * 1024 * 1024 })).rejects.toThrow(/exceeds/);
    await expect(s3.get("big/too-large.bin")).rejects.toBeInstanceOf(S3Error);
  });

  // s3rver checks the access key but not V4 signatures; sigv4.test.ts checks those against AWS's published example.
  it("is refused with the server's message for an unknown access key, and rejects unsafe keys before any call", async () => {
    const bad = createS3ObjectStore({ ...creds, accessKeyId: "NOBODY", bucket: "anvil-test", endpoint });
    await expect(bad.put("x", Readable.from([Buffer.from("x")]))).rejects.toMatchObject({ status: 403, code: "InvalidAccessKeyId" });
    await expect(store().get("../etc/passwd")).rejects.toThrow(/invalid object path/);
  });

  it("holds run artifacts behind the same interface as the filesystem store", async () => {
    const t = await createOrgWithAdmin();
    const caller = await callerFor(t.adminId);
    const { id } = await caller.training.submit({ org: t.slug, job: { name: "s3", command: "true" } as never });
    const run = { id, orgId: t.orgId };
    const s3 = store();
    await uploadArtifact(t.db, s3, run, systemActor("test"), { path: "reports/summary.json", contentType: "application/json", body: Readable.from([Buffer.from('{"acc":0.97}')]) });
    const { stream, meta } = await openArtifact(t.db, s3, t.orgId, id, "reports/summary.json");
    expect(meta.storageKey).toMatch(new RegExp(`^artifacts/${t.orgId}/${id}/`));
    expect(await text(stream!)).toBe('{"acc":0.97}');
    const head = await openArtifact(t.db, s3, t.orgId, id, "reports/summary.json", 4);
    expect(await text(head.stream!)).toBe('{"ac');
  });
});
