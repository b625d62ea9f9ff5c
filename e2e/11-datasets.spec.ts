import path from "node:path";
import { expect, test } from "@playwright/test";
import { ADMIN, SCREENS_DIR, signIn } from "./fixtures";

/** Upload the Iris CSV, read its profile and first rows, upload it again (no new version), add rules. */

const IRIS = path.join(process.cwd(), "examples", "iris-softmax", "data", "iris.csv");

test("a dataset: streamed upload with a profile, content-hash versions, rules with a report, download", async ({ page }) => {
  const org = await signIn(page, ADMIN.email, ADMIN.password);
  await page.locator("aside").getByRole("link", { name: "Datasets" }).click();
  await page.waitForURL(`**/${org}/datasets`);
  await expect(page.getByText("No datasets yet")).toBeVisible();

  await page.locator("#dataset-file").setInputFiles(IRIS);
  await page.locator("#dataset-name").fill("iris");
  await page.locator("#dataset-domain").fill("botany");
  await page.getByRole("button", { name: "Upload dataset" }).click();
  await page.waitForURL(/\/datasets\/[0-9a-f-]{36}\?v=1$/);
  await expect(page.getByTestId("dataset-versions")).toContainText("150");
  const stats = page.getByTestId("column-stats");
  await expect(stats).toContainText("sepal_length");
  await expect(stats.getByRole("row").filter({ hasText: "species" })).toContainText("string");
  await expect(stats.getByRole("row").filter({ hasText: "petal_width" })).toContainText("number");
  await expect(page.getByTestId("dataset-preview")).toContainText("setosa");

  // The same bytes again: still one version.
  await page.locator("#dataset-file").setInputFiles(IRIS);
  await page.getByRole("button", { name: "Upload a new version" }).click();
  await expect(page.getByText("These bytes are already version 1 of “iris”: no new version.")).toBeVisible();
  await expect(page.getByTestId("dataset-versions").getByRole("row")).toHaveCount(2); // header + v1

  // Rules: the species must be one of two of the three: a third of the rows break it.
  await page.getByRole("button", { name: "Add rule" }).click();
  await page.getByTestId("rule-row").getByLabel("Column").selectOption("species");
  await page.getByTestId("rule-row").getByLabel("Rule", { exact: true }).selectOption("allowed");
  await page.getByTestId("rule-row").getByLabel("Allowed values").fill("setosa, versicolor");
  await page.getByRole("button", { name: "Add rule" }).click();
  await page.getByTestId("rule-row").nth(1).getByLabel("Column").selectOption("sepal_length");
  await page.getByTestId("rule-row").nth(1).getByLabel("Rule", { exact: true }).selectOption("range");
  await page.getByTestId("rule-row").nth(1).getByLabel("Minimum").fill("4");
  await page.getByTestId("rule-row").nth(1).getByLabel("Maximum").fill("8");
  await page.getByRole("button", { name: "Save and check" }).click();
  await expect(page.getByText("Rules saved: the latest version breaks 1 of them.")).toBeVisible();
  const report = page.getByTestId("validation-report");
  await expect(report).toContainText("species is one of setosa, versicolor");
  await expect(report).toContainText("50 rows break it");
  await expect(report).toContainText("sepal_length is between 4 and 8");
  // The editor still shows the rules as saved.
  await expect(page.getByTestId("rule-row").first().getByLabel("Rule", { exact: true })).toHaveValue("allowed");
  await page.screenshot({ path: `${SCREENS_DIR}/11-dataset.png`, fullPage: true });

  const href = await page.getByRole("link", { name: "Download v1" }).getAttribute("href");
  const res = await page.request.get(href!);
  expect(res.status()).toBe(200);
  expect((await res.text()).split("\n")[0]).toBe("sepal_length,sepal_width,petal_length,petal_width,species");

  await page.goto(`/${org}/datasets`);
  await expect(page.getByRole("row").filter({ hasText: "iris" })).toContainText("botany");
  await page.screenshot({ path: `${SCREENS_DIR}/11-datasets.png`, fullPage: true });
});
