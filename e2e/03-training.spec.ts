import { expect, test } from "@playwright/test";
import { ADMIN, ORG_SLUG, SCREENS_DIR, signIn } from "./fixtures";

/** The Iris example trains live (logs, growing charts) and leaves a model; the log panel's edges. */

test("the Iris example trains live: streamed logs, growing loss chart, success, model artifact", async ({ page }) => {
  const org = await signIn(page, ADMIN.email, ADMIN.password);
  expect(org).toBe(ORG_SLUG);

  // Training → New training job → Submit with the defaults (the Iris template).
  await page.locator("aside").getByRole("link", { name: "Training" }).click();
  await page.waitForURL(`**/${org}/training`);
  await page.getByRole("link", { name: "New training job" }).first().click();
  await page.waitForURL(`**/${org}/training/new`);
  await expect(page.locator("#template")).toHaveValue("iris-softmax");
  await page.getByRole("button", { name: "Submit job" }).click();
  await page.waitForURL(new RegExp(`/${org}/training/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`));

  const status = page.getByTestId("run-status");
  const logs = page.getByTestId("run-logs");
  await expect(status).toHaveText(/Queued|Starting|Running|Succeeded/);

  // Logs stream over SSE: the first epoch, and later the last one.
  await expect(logs).toContainText("epoch 1/40");

  // The loss chart (train/loss + val/loss) grows while the run is active.
  const lossChart = page.getByTestId("run-metrics").getByRole("figure", { name: "loss", exact: true });
  await expect(lossChart).toBeVisible();
  await expect(lossChart.getByText("train/loss")).toBeVisible();
  await expect(lossChart.getByText("val/loss")).toBeVisible();
  const curve = lossChart.locator("path.recharts-curve").first();
  const curveLength = async () => (await curve.getAttribute("d"))?.length ?? 0;
  await expect.poll(curveLength).toBeGreaterThan(0);
  const early = await curveLength();
  const earlyLogs = await logs.textContent();
  await expect
    .poll(curveLength, { message: `loss curve should grow beyond ${early} chars of path (logs then: ${earlyLogs?.split("\n").filter(Boolean).at(-1)})` })
    .toBeGreaterThan(early);
  await page.screenshot({ path: `${SCREENS_DIR}/02-training-job-running.png`, fullPage: true });

  await expect(logs).toContainText("epoch 40/40", { timeout: 60_000 });
  await expect(status).toHaveText("Succeeded", { timeout: 60_000 });
  await expect(page.getByText("Output complete")).toBeVisible();
  // A finished run offers no Stop.
  await expect(page.getByRole("button", { name: "Stop" })).toHaveCount(0);

  // The model the job uploaded, downloadable as JSON.
  const artifacts = page.getByTestId("run-artifacts");
  // Beside the checkpoints it saved every 10 epochs (listed on their own too, to resume from).
  await expect(artifacts.getByTestId("artifact-folder").filter({ hasText: "model/" })).toContainText("model.json");
  await expect(artifacts.getByTestId("artifact-folder").filter({ hasText: "checkpoints/" })).toContainText("epoch-0030.json");
  await expect(page.getByTestId("checkpoints")).toContainText("checkpoints/epoch-0010.json");
  const download = artifacts.getByRole("link", { name: "Download model/model.json" });
  const href = await download.getAttribute("href");
  expect(href).toBeTruthy();
  const res = await page.request.get(href!);
  expect(res.status()).toBe(200);
  expect(res.headers()["content-type"]).toContain("application/json");
  const body = await res.text();
  expect(body).toContain('"weights"');
  const model = JSON.parse(body) as { classes: string[]; layers: Array<{ weights: number[][] }> };
  expect(model.classes).toHaveLength(3);
  expect(model.layers[0].weights.length).toBeGreaterThan(0);

  // CPU and memory of the job, sampled by Anvil while it ran.
  const system = page.getByTestId("system-metrics");
  await expect(system).toBeVisible();
  await system.locator("summary").click();
  await expect(system.getByRole("figure", { name: "process cpu percentage" })).toBeVisible();
  // The final chart holds all 40 epochs: wait until it stops changing before the screenshot.
  let previous = -1;
  await expect
    .poll(async () => {
      const now = await curveLength();
      const stable = now === previous;
      previous = now;
      return stable;
    }, { intervals: [1_000] })
    .toBe(true);
  await page.screenshot({ path: `${SCREENS_DIR}/03-training-job-succeeded.png`, fullPage: true });
});

test("when a watched run ends, its log lines are still shown once", async ({ page }) => {
  const org = await signIn(page, ADMIN.email, ADMIN.password);
  await page.goto(`/${org}/training/new`);
  await page.getByRole("button", { name: "Submit job" }).click();
  await page.waitForURL(new RegExp(`/${org}/training/[0-9a-f-]{36}$`));
  const logs = page.getByTestId("run-logs");
  await expect(logs).toContainText("epoch 1/40");
  await expect(page.getByTestId("run-status")).toHaveText("Succeeded", { timeout: 60_000 });
  await expect(page.getByText("Output complete")).toBeVisible();

  // Let the panel settle (no change for a second), then count.
  let previous = "";
  await expect
    .poll(async () => {
      const now = (await logs.textContent()) ?? "";
      const stable = now === previous;
      previous = now;
      return stable;
    }, { intervals: [1_000] })
    .toBe(true);
  const text = (await logs.textContent()) ?? "";
  expect(text.split("\n").filter((l) => l.startsWith("epoch ")).length).toBe(40);
  expect(text.match(/epoch 40\/40 /g)).toHaveLength(1);
});

test("a job page opened mid-run follows the live tail of the logs", async ({ page }) => {
  const org = await signIn(page, ADMIN.email, ADMIN.password);
  await page.goto(`/${org}/training/new`);
  await page.locator("#hyperparameters").fill("epochs = 100\nlr = 0.5\nhidden = 0\nseed = 42\nepoch_delay_ms = 100");
  await page.getByRole("button", { name: "Submit job" }).click();
  await page.waitForURL(new RegExp(`/${org}/training/[0-9a-f-]{36}$`));
  const logs = page.getByTestId("run-logs");
  await expect(logs).toContainText("epoch 30/100");

  // Open the page afresh: the backlog (30+ lines) arrives at once, then new lines keep coming.
  await page.reload();
  await expect(logs).toContainText("epoch 30/100");
  await expect(logs).toContainText("epoch 50/100");
  await expect(page.getByTestId("run-status")).toHaveText("Running");
  const distanceFromBottom = () => logs.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight);
  expect(await logs.evaluate((el) => el.scrollHeight > el.clientHeight)).toBe(true);
  await expect.poll(distanceFromBottom, { timeout: 5_000, message: "the newest log line should be in view" }).toBeLessThan(20);
});
