import { expect, test } from "@playwright/test";
import { ADMIN, SCREENS_DIR, signIn } from "./fixtures";

/** Sweeps on this machine with the Iris example: TPE over two params, then NSGA-II's Pareto front. */

test("a 20-trial TPE sweep of the Iris example: progress, best trial, importance, parallel coordinates", async ({ page }) => {
  test.setTimeout(240_000);
  const org = await signIn(page, ADMIN.email, ADMIN.password);
  await page.goto(`/${org}/training`);
  await page.getByRole("link", { name: "Sweeps" }).click();
  await page.waitForURL(`**/${org}/training/sweeps`);
  await page.getByRole("link", { name: "New sweep" }).first().click();
  await page.waitForURL(`**/${org}/training/sweeps/new`);
  await page.locator("#name").fill(`iris-tpe-${Date.now() % 100_000}`);
  await expect(page.getByTestId("space-row")).toHaveCount(2); // lr (log-uniform) and hidden (integer)
  await page.screenshot({ path: `${SCREENS_DIR}/09-new-sweep.png`, fullPage: true });
  await page.getByRole("button", { name: "Start sweep" }).click();
  await page.waitForURL(/\/training\/sweeps\/[0-9a-f-]{36}$/);

  await expect(page.getByTestId("trial-row").first()).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId("sweep-progress")).toContainText("of 20 trials finished");
  await page.screenshot({ path: `${SCREENS_DIR}/09-sweep-running.png`, fullPage: true });
  await expect(page.getByTestId("sweep-status")).toHaveText("Succeeded", { timeout: 200_000 });
  await expect(page.getByTestId("trial-row")).toHaveCount(20);
  await expect(page.getByTestId("sweep-progress")).toContainText("20 of 20 trials finished");
  await expect(page.getByTestId("best-trial")).toContainText("val/loss");
  await expect(page.getByTestId("sweep-progress-chart")).toBeVisible();
  await expect(page.getByTestId("param-importance")).toContainText("lr");
  await expect(page.getByTestId("parallel-coordinates")).toBeVisible();
  await page.screenshot({ path: `${SCREENS_DIR}/09-sweep-done.png`, fullPage: true });
});

test("a two-objective NSGA-II sweep shows its Pareto front", async ({ page }) => {
  test.setTimeout(180_000);
  const org = await signIn(page, ADMIN.email, ADMIN.password);
  await page.goto(`/${org}/training/sweeps/new`);
  await page.locator("#name").fill(`iris-pareto-${Date.now() % 100_000}`);
  await page.locator("#algorithm").selectOption("nsga2");
  // Accuracy against model size: the Iris example logs model/parameters (15 without hidden units).
  await page.locator("#metric1").fill("val/accuracy");
  await page.locator("#goal1").selectOption("maximize");
  await expect(page.locator("#metric2")).toHaveValue("model/parameters");
  await page.locator("#maxTrials").fill("12");
  await page.getByRole("button", { name: "Start sweep" }).click();
  await page.waitForURL(/\/training\/sweeps\/[0-9a-f-]{36}$/);
  await expect(page.getByTestId("sweep-status")).toHaveText("Succeeded", { timeout: 150_000 });
  await expect(page.getByTestId("pareto-chart")).toBeVisible();
  await expect(page.getByTestId("pareto-chart")).toContainText("Pareto-optimal");
  await page.screenshot({ path: `${SCREENS_DIR}/09-sweep-pareto.png`, fullPage: true });
});
