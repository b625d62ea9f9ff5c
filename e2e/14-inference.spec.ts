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
