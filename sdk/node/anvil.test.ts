import { randomBytes } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { AnvilError, AnvilRun } from "./anvil.mjs";
import { startFakeAnvil, type FakeAnvil } from "./test/fake-anvil";

// Spied on (still working) so a test can tell streaming from reading the whole file.
vi.mock("node:fs", async (importOriginal) => {
  const fs = await importOriginal<typeof import("node:fs")>();
  return { ...fs, createReadStream: vi.fn(fs.createReadStream) };
});

let anvil: FakeAnvil;
let run: AnvilRun;

beforeEach(async () => {
  anvil = await startFakeAnvil();
  // Short backoff keeps retry tests fast; everything else uses the real defaults.
  run = new AnvilRun({ url: anvil.url, runId: "run 1", token: "tok", retryBaseMs: 5 });
});

afterEach(async () => {
  await run.finish().catch(() => {});
  await anvil.close();
});

const metricsRequests = () => anvil.requests.filter((r) => r.path.endsWith("/metrics"));

describe("fromEnv", () => {
  it("returns null outside a platform job, so scripts also run standalone", () => {
    expect(AnvilRun.fromEnv({})).toBeNull();
    expect(AnvilRun.fromEnv({ ANVIL_URL: anvil.url, ANVIL_RUN_ID: "r" })).toBeNull();
  });

  it("builds a run from ANVIL_URL, ANVIL_RUN_ID and ANVIL_RUN_TOKEN", async () => {
    const fromEnv = AnvilRun.fromEnv({ ANVIL_URL: `${anvil.url}/`, ANVIL_RUN_ID: "r9", ANVIL_RUN_TOKEN: "t9" });
    await fromEnv!.setTags({ dataset: "iris" });
    expect(anvil.requests[0].path).toBe("/api/v1/runs/r9/tags");
    expect(anvil.requests[0].headers.authorization).toBe("Bearer t9");
    expect(anvil.requests[0].json).toEqual({ tags: { dataset: "iris" } });
  });
});

describe("log", () => {
  it("buffers points and sends them in one request on flush", async () => {
    for (let step = 0; step < 3; step++) run.log({ loss: 1 / (step + 1), acc: step / 10 }, step);
    expect(anvil.requests).toHaveLength(0);
    await run.flush();

    expect(metricsRequests()).toHaveLength(1);
    const req = metricsRequests()[0];
    expect(req.method).toBe("POST");
    expect(req.path).toBe("/api/v1/runs/run%201/metrics");
    expect(req.headers.authorization).toBe("Bearer tok");
    expect(req.json.metrics.map((p: any) => [p.key, p.value, p.step])).toEqual([
      ["loss", 1, 0],
      ["acc", 0, 0],
      ["loss", 0.5, 1],
      ["acc", 0.1, 1],
      ["loss", 1 / 3, 2],
      ["acc", 0.2, 2],
    ]);
    for (const p of req.json.metrics) expect(Math.abs(p.timestamp - Date.now())).toBeLessThan(5_000);
  });

  it("flushes by itself about a second after logging", async () => {
    const logged = Date.now();
    run.log({ loss: 1 }, 0);
    await sleep(500);
    expect(metricsRequests()).toHaveLength(0);
    await vi.waitFor(() => expect(anvil.points()).toHaveLength(1), { timeout: 5_000 });
    expect(Date.now() - logged).toBeGreaterThanOrEqual(990);
  });

  it("flushes by itself once 1,000 points are waiting", async () => {
    // A timer this long cannot be what sends them.
    const sized = new AnvilRun({ url: anvil.url, runId: "r", token: "t", flushIntervalMs: 60_000 });
    for (let step = 0; step < 249; step++) sized.log({ a: 1, b: 2, c: 3, d: 4 }, step);
    await sleep(200);
    expect(metricsRequests()).toHaveLength(0);
    sized.log({ a: 1, b: 2, c: 3, d: 4 }, 249);
    await vi.waitFor(() => expect(anvil.points()).toHaveLength(1_000), { timeout: 5_000 });
    await sized.finish();
  });

  it("splits a large backlog into requests of at most 10,000 points", async () => {
    const big = new AnvilRun({ url: anvil.url, runId: "r", token: "t", flushPoints: 1e9 });
    for (let step = 0; step < 12_000; step++) big.log({ x: step }, step);
    await big.finish();
    expect(metricsRequests().map((r) => r.json.metrics.length)).toEqual([10_000, 2_000]);
    expect(anvil.points().map((p) => p.step)).toEqual([...Array(12_000).keys()]);
  });

  it("encodes NaN and infinities as the strings the API expects", async () => {
    run.log({ a: NaN, b: Infinity, c: -Infinity, d: -0.25 }, 7);
    await run.flush();
    const body = metricsRequests()[0].body.toString();
    expect(anvil.points().map((p) => p.value)).toEqual(["NaN", "Infinity", "-Infinity", -0.25]);
    expect(body).not.toContain("null");
  });

  it("rejects bad steps and values without buffering anything", async () => {
    expect(() => run.log({ a: 1 }, -1)).toThrow(TypeError);
    expect(() => run.log({ a: 1 }, 1.5)).toThrow(/integer/);
    expect(() => run.log({ a: 1, b: "2" as unknown as number }, 0)).toThrow(/"b" is not a number/);
    await run.flush();
    expect(anvil.requests).toHaveLength(0);
  });

  it("refuses to log after finish", async () => {
    await run.finish();
    expect(() => run.log({ a: 1 }, 0)).toThrow(/after finish/);
  });
});

describe("retries", () => {
  it("retries after a 503 and then succeeds with the same batch", async () => {
    let failures = 1;
    anvil.respond(() => (failures-- > 0 ? { status: 503, body: { error: { code: "UNAVAILABLE", message: "restarting" } } } : undefined));
    run.log({ loss: 0.5 }, 1);
    await run.flush();

    expect(metricsRequests().map((r) => r.status)).toEqual([503, 200]);
    expect(metricsRequests()[1].body.equals(metricsRequests()[0].body)).toBe(true);
    expect(anvil.points()).toHaveLength(1);
  });

  it("keeps points buffered when retries run out, and delivers them on the next flush", async () => {
    anvil.respond(() => ({ status: 429, body: { error: { code: "RATE_LIMITED", message: "slow down" } } }));
    run.log({ loss: 0.5 }, 1);
    const err = await run.flush().catch((e) => e);
    expect(err).toBeInstanceOf(AnvilError);
    expect(err).toMatchObject({ status: 429, retryable: true });
    expect(metricsRequests()).toHaveLength(5); // the default number of attempts

    anvil.respond(() => undefined);
    await run.flush();
    expect(anvil.points().map((p) => p.value)).toEqual([0.5]);
  });

  it("treats an unreachable server as retryable", async () => {
    const url = anvil.url;
    await anvil.close();
    const offline = new AnvilRun({ url, runId: "r", token: "t", maxAttempts: 2, retryBaseMs: 1 });
    await expect(offline.setTags({ a: "b" })).rejects.toMatchObject({ retryable: true, status: undefined });
    anvil = await startFakeAnvil(); // afterEach closes it
  });
});

describe("errors", () => {
  it("surfaces a 4xx message at once, without retrying", async () => {
    anvil.respond(() => ({ status: 409, body: { error: { code: "CONFLICT", message: "param lr is already 0.1" } } }));
    const err = (await run.logParams({ lr: 0.2 }).catch((e) => e)) as AnvilError;
    expect(err).toBeInstanceOf(AnvilError);
    expect(err.message).toContain("param lr is already 0.1");
    expect(err).toMatchObject({ status: 409, code: "CONFLICT", retryable: false });
    expect(anvil.requests).toHaveLength(1);
  });

  it("reports a batch refused during a background flush on the next flush", async () => {
    anvil.respond(() => ({ status: 400, body: { error: { code: "BAD_REQUEST", message: "key too long" } } }));
    run.log({ loss: 1 }, 0);
    await vi.waitFor(() => expect(metricsRequests()).toHaveLength(1), { timeout: 5_000 }); // the timer sent it
    await expect(run.flush()).rejects.toThrow(/400 BAD_REQUEST\): key too long/);
    await expect(run.flush()).resolves.toBeUndefined(); // reported once, not forever
  });
});

describe("artifacts", () => {
  it("uploads a string with its content type and returns the server's record", async () => {
    const text = JSON.stringify({ weights: [[1, 2]] });
    const info = await run.uploadArtifact("model/my model.json", text, "application/json");
    const req = anvil.requests[0];
    expect(req.method).toBe("PUT");
    expect(req.path).toBe("/api/v1/runs/run%201/artifacts/model/my%20model.json");
    expect(req.headers["content-type"]).toBe("application/json");
    expect(req.body.toString()).toBe(text);
    expect(info).toMatchObject({ path: "model/my model.json", size: Buffer.byteLength(text) });
    expect(info.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it("refuses paths that fetch would rewrite", () => {
    expect(() => run.uploadArtifact("../x", "a")).toThrow(/invalid artifact path/);
    expect(() => run.uploadArtifact("a//b", "a")).toThrow(/invalid artifact path/);
  });

  describe("uploadFile", () => {
    let dir: string;
    beforeEach(async () => {
      dir = await mkdtemp(join(tmpdir(), "anvil-sdk-"));
    });
    afterEach(() => rm(dir, { recursive: true, force: true }));

    it("streams the file, reopening it when a retry is needed", async () => {
      const file = join(dir, "weights.bin");
      const content = randomBytes(3 * 1024 * 1024);
      await writeFile(file, content);
      let failures = 1;
      anvil.respond(() => (failures-- > 0 ? { status: 502 } : undefined));

      const info = await run.uploadFile("ckpt/weights.bin", file);
      expect(anvil.requests.map((r) => r.status)).toEqual([502, 201]);
      for (const req of anvil.requests) {
        expect(req.headers["content-length"]).toBe(String(content.length));
        expect(req.headers["content-type"]).toBe("application/octet-stream");
        expect(req.body.equals(content)).toBe(true);
      }
      expect(info.size).toBe(content.length);
      expect(vi.mocked(createReadStream).mock.calls.map(([path]) => path)).toEqual([file, file]);
    });
  });
});
