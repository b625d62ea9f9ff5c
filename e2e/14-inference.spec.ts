import { spawn, type ChildProcess } from "node:child_process";
import { writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import OpenAI from "openai";
import { ADMIN, SCREENS_DIR, signIn } from "./fixtures";

/**
 * Inference, as a new user: the tiny language model served by its example server, put behind
 * the gateway as a service, chatted with from the playground and with the openai client.
 */

let server: ChildProcess | undefined;
test.afterAll(() => { server?.kill("SIGTERM"); });

test("a service in front of the tiny language model: ready, playground, openai client, charts", async ({ page, baseURL }) => {
  test.setTimeout(120_000);
  // The model, trained by counting (examples/tiny-lm), and its server on a free port.
  const { train } = await import(path.join(process.cwd(), "examples/tiny-lm/lm.mjs"));
  const { readFileSync } = await import("node:fs");
  const modelFile = path.join(os.tmpdir(), `tiny-lm-${Date.now()}.json`);
  writeFileSync(modelFile, JSON.stringify(train(readFileSync("examples/tiny-lm/data/poems.txt", "utf8"), { order: 5 })));
  const port = 18_000 + Math.floor(Math.random() * 1000);
  server = spawn(process.execPath, ["examples/tiny-lm/serve.mjs", "--model", modelFile, "--port", String(port), "--token-delay-ms", "5"], { stdio: "ignore" });
  await expect.poll(async () => (await fetch(`http://127.0.0.1:${port}/health`).catch(() => null))?.status, { timeout: 15_000 }).toBe(200);

  const org = await signIn(page, ADMIN.email, ADMIN.password);
  await page.locator("aside").getByRole("link", { name: "Inference" }).click();
  await page.waitForURL(`**/${org}/inference`);
  await expect(page.getByText("No services yet")).toBeVisible();
  await page.getByRole("link", { name: "New service" }).first().click();
  await page.locator("#name").fill("poet");
  // Endpoints we run (the form offers the process backend first once models are registered).
  await page.locator("#backend").selectOption("vllm");
  await page.locator("#endpoints").fill(`http://127.0.0.1:${port}`);
  await page.getByRole("button", { name: "Create service" }).click();
  await page.waitForURL(/\/inference\/[0-9a-f-]{36}$/);
  await expect(page.getByTestId("service-status")).toHaveAttribute("data-status", "READY", { timeout: 30_000 });
  await expect(page.getByTestId("replicas")).toContainText("ready");

  await page.getByRole("button", { name: "Send" }).click();
  await expect(page.getByTestId("playground-status")).toContainText(/\d+ tokens · first token after \d+ ms/, { timeout: 20_000 });
  expect((await page.getByTestId("playground-answer").textContent())!.length).toBeGreaterThan(10);

  // The official client, streaming, with an API key.
  const openai = new OpenAI({ baseURL: `${baseURL}/api/v1/services/poet/v1`, apiKey: ADMIN.apiKey, maxRetries: 0 });
  const stream = await openai.chat.completions.create({ model: "poet", messages: [{ role: "user", content: "Tyger Tyger" }], max_tokens: 40, stream: true });
  let text = "";
  for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? "";
  expect(text).toHaveLength(40);

  await expect(page.getByTestId("service-charts")).toBeVisible({ timeout: 20_000 });
  await expect(page.getByTestId("request-log")).toContainText("/v1/chat/completions (stream)");
  await page.screenshot({ path: `${SCREENS_DIR}/14-service.png`, fullPage: true });
  await page.goto(`/${org}/inference`);
  await expect(page.getByTestId("service-row")).toContainText("1 of 1");
  await page.screenshot({ path: `${SCREENS_DIR}/14-inference.png`, fullPage: true });
});

const bearer = { authorization: `Bearer ${ADMIN.apiKey}` };

/** Submits a template job over REST and waits for it; its id. */
async function trained(page: import("@playwright/test").Page, name: string, template: string, hyperparameters: Record<string, number> = {}) {
  const res = await page.request.post("/api/v1/train/jobs", { headers: bearer, data: { name, template, hyperparameters } });
  expect(res.status()).toBe(201);
  const { id } = await res.json();
  await expect.poll(async () => (await (await page.request.get(`/api/v1/train/jobs/${id}`, { headers: bearer })).json()).status, { timeout: 90_000 }).toBe("SUCCEEDED");
  return id as string;
}

test("the process backend: Anvil serves the trained tiny model and the Iris classifier itself", async ({ page, baseURL }) => {
  test.setTimeout(180_000);
  const org = await signIn(page, ADMIN.email, ADMIN.password);
  const tiny = await trained(page, "tiny lm for serving", "tiny-lm");
  expect((await page.request.post("/api/v1/models/tiny-poet/versions", { headers: bearer, data: { runId: tiny, artifactPath: "model/model.json" } })).status()).toBe(201);

  await page.goto(`/${org}/inference/new`);
  await expect(page.locator("#backend")).toHaveValue("process");
  await page.locator("#name").fill("bard");
  await page.locator("#model").selectOption("tiny-poet@1");
  await page.getByRole("button", { name: "Create service" }).click();
  await page.waitForURL(/\/inference\/[0-9a-f-]{36}$/);
  await expect(page.getByTestId("service-status")).toHaveAttribute("data-status", "READY", { timeout: 60_000 });
  await expect(page.getByTestId("replicas").getByRole("link", { name: "run" })).toBeVisible();
  await page.getByRole("button", { name: "Send" }).click();
  await expect(page.getByTestId("playground-status")).toContainText(/\d+ tokens/, { timeout: 20_000 });
  const openai = new OpenAI({ baseURL: `${baseURL}/api/v1/services/bard/v1`, apiKey: ADMIN.apiKey, maxRetries: 0 });
  const stream = await openai.chat.completions.create({ model: "bard", messages: [{ role: "user", content: "When in disgrace" }], max_tokens: 25, stream: true });
  let text = "";
  for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? "";
  expect(text).toHaveLength(25);
  await page.screenshot({ path: `${SCREENS_DIR}/14-process-service.png`, fullPage: true });

  // A second version as a canary variant with a tenth of the traffic, added from the service page.
  expect((await page.request.post("/api/v1/models/tiny-poet/versions", { headers: bearer, data: { runId: tiny, artifactPath: "model/model.json", description: "candidate" } })).status()).toBe(201);
  await page.reload();
  await page.getByText("Add a variant (A/B test or canary)").click();
  await page.locator("#variantName").fill("canary");
  await page.locator("#weight").fill("10");
  await page.locator("#model").selectOption("tiny-poet@2");
  await page.getByRole("button", { name: "Add variant" }).click();
  await expect(page.getByTestId("variant-row")).toHaveCount(2);
  await expect(page.getByTestId("variant-share")).toHaveText(["91 %", "9 %"]);
  await expect.poll(async () => (await (await page.request.get(`/api/v1/inference/services/bard`, { headers: bearer })).json()).variants.map((v: { replicas: { ready: number } }) => v.replicas.ready), { timeout: 60_000 }).toEqual([1, 1]);
  const served = { primary: 0, canary: 0 };
  for (let i = 0; i < 40; i++) {
    const res = await page.request.post("/api/v1/services/bard/v1/completions", { headers: bearer, data: { prompt: "Shall I", max_tokens: 4 } });
    expect(res.status()).toBe(200);
    served[res.headers()["x-anvil-variant"] as keyof typeof served]++;
  }
  expect(served.primary).toBeGreaterThan(served.canary);
  // The gateway writes its counts once a second.
  await expect.poll(async () => (await (await page.request.get("/api/v1/inference/services/bard", { headers: bearer })).json()).stats
    .filter((m: { variant: string }) => m.variant === "canary").reduce((a: number, m: { requests: number }) => a + m.requests, 0)).toBe(served.canary);
  await page.reload();
  await expect(page.getByTestId("variant-requests").first()).not.toHaveText("0");
  await page.screenshot({ path: `${SCREENS_DIR}/14-variants.png`, fullPage: true });
  // Removed again: its replica's run stops, which frees this 2-core machine's second slot for the next job.
  expect((await page.request.delete("/api/v1/inference/services/bard/variants/canary", { headers: bearer })).status()).toBe(204);

  // The Iris classifier over the Open Inference Protocol, deployed over REST.
  const iris = await trained(page, "iris for serving", "iris-softmax", { epochs: 60, epoch_delay_ms: 0, checkpoint_every: 0 });
  expect((await page.request.post("/api/v1/models/iris/versions", { headers: bearer, data: { runId: iris, artifactPath: "model/model.json" } })).status()).toBe(201);
  const created = await page.request.post("/api/v1/inference/services", { headers: bearer, data: { name: "iris", backend: "process", model: { name: "iris", version: 1 } } });
  expect(created.status()).toBe(201);
  expect((await created.json()).protocol).toBe("oip");
  await expect.poll(async () => (await (await page.request.get("/api/v1/inference/services/iris", { headers: bearer })).json()).status, { timeout: 60_000 }).toBe("READY");
  const infer = await page.request.post("/api/v1/services/iris/v2/models/iris/infer", { headers: bearer, data: { inputs: [{ name: "input-0", shape: [2, 4], datatype: "FP32", data: [5.1, 3.5, 1.4, 0.2, 6.7, 3.0, 5.2, 2.3] }] } });
  expect(infer.status()).toBe(200);
  expect((await infer.json()).outputs.find((o: { name: string }) => o.name === "label").data).toEqual(["setosa", "virginica"]);
});
