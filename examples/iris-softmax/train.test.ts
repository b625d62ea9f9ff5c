// Runs train.mjs the way a user or the platform does: as a separate Node process, alone or
// pointed at a fake Anvil server.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startFakeAnvil, type FakeAnvil } from "../../sdk/node/test/fake-anvil";
import { loadIris } from "./data.mjs";

const SCRIPT = fileURLToPath(new URL("./train.mjs", import.meta.url));

interface Result {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function runScript(env: Record<string, string>, onStdout?: (text: string, kill: () => void) => void) {
  // Without the ANVIL_* variables of whatever started the tests, so standalone is standalone.
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("ANVIL_")));
  const child = spawn(process.execPath, [SCRIPT], { env: { ...base, ...env } });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => {
    stdout += chunk;
    onStdout?.(stdout, () => child.kill("SIGTERM"));
  });
  child.stderr.on("data", (chunk) => (stderr += chunk));
  return new Promise<Result>((resolve) => child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr })));
}

const EPOCH_LINE = /^epoch (\d+)\/(\d+) loss=\d+\.\d{4} val_acc=\d\.\d{3}$/gm;

describe("standalone", () => {
  it("trains with the defaults and prints progress and a summary", async () => {
    const r = await runScript({ ANVIL_PARAMS: '{"epoch_delay_ms":0}' });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("running standalone");
    expect([...r.stdout.matchAll(EPOCH_LINE)].map((m) => Number(m[1]))).toEqual([...Array(40).keys()].map((i) => i + 1));
    const valAcc = Number(/done in [\d.]+s: .*val_acc=(\d\.\d+)/.exec(r.stdout)?.[1]);
    expect(valAcc).toBeGreaterThanOrEqual(0.9);
  });

  it.each([
    ['{"epochs":0}', "epochs must be a positive integer, got 0"],
    ['{"epochs":"forty"}', 'epochs must be a positive integer, got "forty"'],
    ['{"learning_rate":0.1}', 'unknown param "learning_rate"'],
  ])("exits 2 with a clear message for ANVIL_PARAMS=%s", async (params, message) => {
    const r = await runScript({ ANVIL_PARAMS: params });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`train.mjs: bad params: ${message}`);
    expect(r.stdout).not.toMatch(EPOCH_LINE);
  });
});

describe("as an Anvil job", () => {
  let anvil: FakeAnvil;
  beforeEach(async () => {
    anvil = await startFakeAnvil();
  });
  afterEach(() => anvil.close());

  const jobEnv = (params: string) => ({
    ANVIL_URL: anvil.url,
    ANVIL_RUN_ID: "run-7",
    ANVIL_RUN_TOKEN: "secret",
    ANVIL_PARAMS: params,
  });

  it("logs params, tags, every epoch's metrics and a usable model", async () => {
    const r = await runScript(jobEnv('{"epoch_delay_ms":"0","epochs":30}'));
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(anvil.requests.every((req) => req.headers.authorization === "Bearer secret")).toBe(true);

    const body = (suffix: string) => anvil.requests.find((req) => req.path.endsWith(suffix))!;
    // Given values go back exactly as given; defaults fill the rest.
    expect(body("/params").json.params).toEqual({ epochs: 30, lr: 0.5, hidden: 0, seed: 42, epoch_delay_ms: "0", checkpoint_every: 10 });
    expect(body("/tags").json.tags).toEqual({ dataset: "iris", model: "softmax" });

    const points = anvil.points();
    expect(points).toHaveLength(30 * 4 + 1);
    // Softmax regression on 4 features and 3 classes: 4 × 3 weights + 3 biases.
    expect(points.find((p) => p.key === "model/parameters")).toMatchObject({ value: 15, step: 30 });
    const keys = ["train/loss", "train/accuracy", "val/loss", "val/accuracy"];
    for (const key of keys) {
      expect(points.filter((p) => p.key === key).map((p) => p.step)).toEqual([...Array(30).keys()].map((i) => i + 1));
    }

    const upload = body("/artifacts/model/model.json");
    expect(upload.headers["content-type"]).toBe("application/json");
    const artifact = JSON.parse(upload.body.toString());
    const lastValAcc = points.filter((p) => p.key === "val/accuracy").at(-1)!.value;
    expect(artifact.metrics.val_accuracy).toBe(lastValAcc);
    expect(r.stdout).toMatch(/model uploaded as model\/model\.json \(\d+ bytes, sha256 [0-9a-f]{12}…\)/);

    // Follow the artifact's own recipe, independently of model.mjs, on all 150 flowers.
    const iris = loadIris();
    const predictions = iris.X.map((x: number[]) => {
      let h = x.map((v, j) => (v - artifact.standardization.mean[j]) / artifact.standardization.std[j]);
      artifact.layers.forEach(({ weights, bias }: { weights: number[][]; bias: number[] }, l: number) => {
        const z = weights.map((w, k) => w.reduce((s, wj, j) => s + wj * h[j], bias[k]));
        h = l < artifact.layers.length - 1 ? z.map(Math.tanh) : z;
      });
      return h.indexOf(Math.max(...h)); // softmax keeps the order of the logits
    });
    const correct = predictions.filter((p, i) => artifact.classes[p] === iris.classes[iris.y[i]]).length;
    expect(correct / 150).toBeGreaterThan(0.85);
  });

  it("on SIGTERM sends what it logged, then dies of the signal", async () => {
    let killed = false;
    const r = await runScript(jobEnv('{"epoch_delay_ms":100,"checkpoint_every":0}'), (out, kill) => {
      // Once only: like Ctrl-C, a second signal kills at once, by design.
      if (!killed && out.includes("epoch 3/40")) {
        killed = true;
        kill();
      }
    });
    expect(r.signal).toBe("SIGTERM");
    const stoppedAt = Number(/stopped by SIGTERM after epoch (\d+)/.exec(r.stdout)?.[1]);
    expect(stoppedAt).toBeGreaterThanOrEqual(3);
    expect(stoppedAt).toBeLessThan(40);
    expect(anvil.points()).toHaveLength(stoppedAt * 4);
    expect(anvil.requests.some((req) => req.path.includes("/artifacts/"))).toBe(false);
  });

  it("checkpoints every N epochs, and a job resumed from one continues at the next epoch with its weights", async () => {
    const first = await runScript(jobEnv('{"epoch_delay_ms":0,"epochs":30,"checkpoint_every":10}'));
    expect(first.code).toBe(0);
    const uploads = anvil.requests.filter((r) => r.method === "PUT" && r.path.includes("/artifacts/checkpoints/"));
    expect(uploads.map((r) => r.path.split("/artifacts/")[1])).toEqual(["checkpoints/epoch-0010.json", "checkpoints/epoch-0020.json"]);
    const checkpoint = JSON.parse(uploads[1].body.toString());
    expect(checkpoint).toMatchObject({ format: "anvil-example/iris-checkpoint@1", epoch: 20 });
    const fromScratch = anvil.points().filter((p) => p.key === "train/loss");

    anvil.requests.length = 0;
    anvil.respond((req) => (req.method === "GET" && req.path.endsWith("/artifacts/resume/epoch-0020.json") ? { status: 200, body: checkpoint } : undefined));
    const resumed = await runScript({ ...jobEnv('{"epoch_delay_ms":0,"epochs":30,"checkpoint_every":10}'), ANVIL_RESUME_FROM: "resume/epoch-0020.json" });
    expect(resumed.stderr).toBe("");
    expect(resumed.stdout).toContain("resumed from resume/epoch-0020.json: epoch 20 done, continuing at 21");
    const losses = anvil.points().filter((p) => p.key === "train/loss");
    expect(losses.map((p) => p.step)).toEqual([21, 22, 23, 24, 25, 26, 27, 28, 29, 30]);
    // Same weights, same data, same steps: the resumed run ends exactly where the uninterrupted one did.
    expect(losses.at(-1)!.value).toBeCloseTo(fromScratch.at(-1)!.value as number, 12);
  });

  it("fails the job with the server's message when Anvil refuses the params", async () => {
    anvil.respond((req) =>
      req.path.endsWith("/params") ? { status: 409, body: { error: { code: "CONFLICT", message: "param lr already set to 0.1" } } } : undefined,
    );
    const r = await runScript(jobEnv('{"epoch_delay_ms":0}'));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("param lr already set to 0.1");
  });
});
