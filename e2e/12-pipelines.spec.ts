import path from "node:path";
import { expect, test } from "@playwright/test";
import { ADMIN, SCREENS_DIR, signIn } from "./fixtures";

/**
 * The acceptance of continuous learning, as a new user: upload the shipped example (train,
 * validation, test), create a continuous task (5 iterations at most, stop at 0.97), watch it
 * loop to COMPLETED with the score rising and the reason shown, open every iteration's outputs.
 */

const DATA = path.join(process.cwd(), "examples", "pipeline", "data");

test("a continuous task loops optimize → train → evaluate to COMPLETED, the score rising", async ({ page }) => {
  test.setTimeout(240_000);
  const org = await signIn(page, ADMIN.email, ADMIN.password);
  await page.locator("aside").getByRole("link", { name: "Pipelines" }).click();
  await page.waitForURL(`**/${org}/pipelines`);
  await expect(page.getByText("No tasks yet")).toBeVisible();

  for (const [file, type] of [["iris-hard-train.csv", "training"], ["iris-hard-validation.csv", "validation"], ["iris-hard-test.csv", "test"]]) {
    await page.goto(`/${org}/datasets`);
    await page.locator("#dataset-file").setInputFiles(path.join(DATA, file));
    await page.locator("#dataset-name").fill(file.replace(".csv", ""));
    await page.locator("#dataset-type").selectOption(type);
    await page.getByRole("button", { name: "Upload dataset" }).click();
    await page.waitForURL(/\/datasets\/[0-9a-f-]{36}\?v=1$/);
  }

  await page.goto(`/${org}/pipelines`);
  await page.getByRole("link", { name: "New task" }).first().click();
  await page.waitForURL(`**/${org}/pipelines/new`);
  // The example's three datasets are chosen by their types; continuous, 5 iterations, stop at 0.97.
  await expect(page.locator("#datasetId option:checked")).toHaveText(/iris-hard-train/);
  await expect(page.locator("#validationDatasetId option:checked")).toHaveText(/iris-hard-validation/);
  await expect(page.locator("#testDatasetId option:checked")).toHaveText(/iris-hard-test/);
  await expect(page.locator("#maxIterations")).toHaveValue("5");
  await expect(page.locator("#performanceThreshold")).toHaveValue("0.97");
  await page.screenshot({ path: `${SCREENS_DIR}/12-new-task.png`, fullPage: true });
  await page.getByRole("button", { name: "Create task" }).click();
  await page.waitForURL(/\/pipelines\/[0-9a-f-]{36}$/);

  // It runs: a phase is lit in the diagram while it works.
  const diagram = page.getByTestId("state-diagram");
  await expect(diagram).toHaveAttribute("data-current", /OPTIMIZING|TRAINING|EVALUATING|LOOPING/, { timeout: 30_000 });
  await page.screenshot({ path: `${SCREENS_DIR}/12-task-running.png`, fullPage: true });

  await expect(page.getByTestId("task-status")).toHaveAttribute("data-status", "COMPLETED", { timeout: 180_000 });
  await expect(diagram).toHaveAttribute("data-current", "COMPLETED");
  await expect(page.getByTestId("stop-reason")).toContainText(/reached the threshold 0\.97 in iteration \d|5 of 5 iterations run/);
  // The loop was taken at least once, and the score rose from the first iteration to the best.
  await expect(diagram.locator('[data-edge="LOOPING>OPTIMIZING"]')).not.toHaveAttribute("data-taken", "0");
  const scores = (await page.getByTestId("iteration-score").allTextContents()).map(Number).reverse();
  expect(scores.length).toBeGreaterThanOrEqual(2);
  expect(Math.max(...scores)).toBeGreaterThan(scores[0]);
  await expect(page.getByTestId("score-chart")).toBeVisible();

  // Every iteration's dataset version, model and report open from the task page.
  const iterations = page.getByTestId("iteration");
  await expect(iterations).toHaveCount(scores.length);
  const first = iterations.last();
  const model = await first.getByRole("link", { name: "model" }).getAttribute("href");
  const modelJson = await (await page.request.get(model!)).json();
  expect(modelJson).toMatchObject({ format: "anvil-example/pipeline-softmax@1", classes: ["setosa", "versicolor", "virginica"] });
  const report = await (await page.request.get((await first.getByRole("link", { name: "report (JSON)" }).getAttribute("href"))!)).json();
  expect(report.badCases.length).toBeGreaterThan(0);
  await first.getByTestId("report").locator("summary").click();
  await expect(first.getByTestId("report")).toContainText("Suggestions for the next optimization");
  await page.screenshot({ path: `${SCREENS_DIR}/12-task-completed.png`, fullPage: true });

  // The second iteration's optimized dataset: a version derived from the first's, its lineage shown.
  await iterations.nth(scores.length - 2).getByTestId("phase-OPTIMIZING").getByRole("link", { name: /iris-hard-train v3/ }).click();
  await page.waitForURL(/\/datasets\/[0-9a-f-]{36}\?v=3$/);
  await expect(page.getByText(/iteration 2: deduplicate .*oversample bad cases \+\d+/).first()).toBeVisible();
  await page.screenshot({ path: `${SCREENS_DIR}/12-optimized-version.png`, fullPage: true });

  await page.goto(`/${org}/pipelines`);
  await expect(page.getByTestId("task-row")).toContainText("Completed");
  const overflow = await page.evaluate(() => [...document.querySelectorAll("table")].map((t) => t.parentElement!.scrollWidth - t.parentElement!.clientWidth));
  expect(overflow.every((o) => o <= 1), `pipelines table overflows by ${overflow}`).toBe(true);
  await page.screenshot({ path: `${SCREENS_DIR}/12-pipelines.png`, fullPage: true });
});
