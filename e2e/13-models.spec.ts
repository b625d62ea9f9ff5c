import { expect, test } from "@playwright/test";
import { ADMIN, SCREENS_DIR, signIn } from "./fixtures";

/**
 * The registry, as a new user: train the Iris example twice, register each run's model from its
 * page, point the champion alias at the better one, promote it, compare the two, read the history.
 */

const bearer = { authorization: `Bearer ${ADMIN.apiKey}` };

test("register models from runs, alias, promote and compare them", async ({ page }) => {
  test.setTimeout(180_000);
  const org = await signIn(page, ADMIN.email, ADMIN.password);
  await page.locator("aside").getByRole("link", { name: "Models" }).click();
  await page.waitForURL(`**/${org}/models`);
  await expect(page.getByText("No models registered yet")).toBeVisible();

  // Two quick Iris runs (different learning rates), submitted over the REST API.
  const ids: string[] = [];
  for (const lr of [0.05, 0.5]) {
    const res = await page.request.post("/api/v1/train/jobs", { headers: bearer, data: { name: `iris lr ${lr}`, template: "iris-softmax", hyperparameters: { lr, epochs: 30, epoch_delay_ms: 0, checkpoint_every: 0 } } });
    expect(res.status()).toBe(201);
    ids.push((await res.json()).id);
  }
  for (const id of ids) {
    await expect.poll(async () => (await (await page.request.get(`/api/v1/train/jobs/${id}`, { headers: bearer })).json()).status, { timeout: 90_000 }).toBe("SUCCEEDED");
  }

  for (const id of ids) {
    await page.goto(`/${org}/training/${id}`);
    const form = page.getByTestId("register-model");
    await form.getByLabel("Artifact").selectOption("model/model.json");
    await form.getByLabel("Model name").fill("iris-classifier");
    await form.getByRole("button", { name: "Register" }).click();
    await page.waitForURL(`**/${org}/models/iris-classifier`);
  }
  await expect(page.getByTestId("version-row")).toHaveCount(2);
  const lineage = page.getByTestId("lineage");
  await expect(lineage).toContainText("iris lr 0.5");
  await expect(lineage).toContainText("model/model.json");

  // champion → v2, then promote v2 to Production archiving the others.
  await page.getByTestId("alias-form").getByLabel("Alias").fill("champion");
  await page.getByTestId("alias-form").getByLabel("Version").selectOption("2");
  await page.getByRole("button", { name: "Set alias" }).click();
  await expect(page.getByTestId("aliases")).toContainText("champion → v2");
  const row = (n: number) => page.getByTestId("version-row").filter({ has: page.getByRole("link", { name: `v${n}`, exact: true }) });
  await page.getByLabel("Stage of v1").selectOption("Production");
  await row(1).getByRole("button", { name: "Move" }).click();
  // The page comes back with the move in its history (the select alone shows what was picked before the reload).
  await expect(page.getByTestId("model-history")).toContainText("transition-stage v1");
  await expect(page.getByLabel("Stage of v1")).toHaveValue("Production");
  const v2 = row(2);
  await page.getByLabel("Stage of v2").selectOption("Production");
  await v2.getByText("archive others").click();
  await v2.getByRole("button", { name: "Move" }).click();
  await expect(page.getByLabel("Stage of v2")).toHaveValue("Production");
  await expect(page.getByLabel("Stage of v1")).toHaveValue("Archived");

  await page.getByRole("link", { name: "vs v1" }).click();
  const compare = page.getByTestId("compare");
  await expect(compare.getByRole("row").filter({ hasText: /^lr/ })).toContainText("0.05");
  await expect(compare.getByRole("row").filter({ hasText: "val/accuracy" })).toBeVisible();
  await page.screenshot({ path: `${SCREENS_DIR}/13-model.png`, fullPage: true });

  // The same over REST: the alias answers with its version.
  const champion = await page.request.get("/api/v1/models/iris-classifier/aliases/champion", { headers: bearer });
  expect((await champion.json()).version).toBe(2);
  await page.goto(`/${org}/training/${ids[1]}`);
  await expect(page.getByTestId("registered-as")).toContainText("iris-classifier v2");
  await page.goto(`/${org}/models`);
  await expect(page.getByTestId("model-row")).toContainText("champion → v2");
  await page.screenshot({ path: `${SCREENS_DIR}/13-models.png`, fullPage: true });
});

test("the tiny language model trains as an example job and registers over REST", async ({ page }) => {
  test.setTimeout(120_000);
  const org = await signIn(page, ADMIN.email, ADMIN.password);
  const res = await page.request.post("/api/v1/train/jobs", { headers: bearer, data: { name: "tiny lm", template: "tiny-lm" } });
  expect(res.status()).toBe(201);
  const { id } = await res.json();
  await expect.poll(async () => (await (await page.request.get(`/api/v1/train/jobs/${id}`, { headers: bearer })).json()).status, { timeout: 90_000 }).toBe("SUCCEEDED");
  const registered = await page.request.post("/api/v1/models/tiny-lm/versions", { headers: bearer, data: { runId: id, artifactPath: "model/model.json", description: "poems, char n-grams" } });
  expect(registered.status()).toBe(201);
  expect(await registered.json()).toMatchObject({ version: 1, source: `runs:/${id}/model/model.json` });
  const artifact = await page.request.get(`/api/v1/runs/${id}/artifacts/model/model.json`, { headers: bearer });
  expect(await artifact.json()).toMatchObject({ format: "anvil-example/char-ngram@1", trainedOn: "data/poems.txt" });
  await page.goto(`/${org}/training/${id}`);
  await expect(page.getByText(/held-out perplexity/).first()).toBeVisible();
  await expect(page.getByTestId("registered-as")).toContainText("tiny-lm v1");
});
