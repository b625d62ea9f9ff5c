import { expect, test } from "@playwright/test";
import { ADMIN, ORG_SLUG, SCREENS_DIR, signIn } from "./fixtures";

/** Runs logged from code show up under their project and experiment; filter, sort, compare. */

test("experiments: runs table with filter language, then compare two runs", async ({ page, baseURL }) => {
  const experiment = `sweep-${Date.now()}`;
  const post = (path: string, body: unknown, method = "POST") => fetch(`${baseURL}${path}`, {
    method, headers: { authorization: `Bearer ${ADMIN.apiKey}`, "content-type": "application/json" }, body: JSON.stringify(body),
  }).then((r) => r.json());
  const ids: string[] = [];
  for (const [i, lr] of ["0.1", "0.01", "0.001"].entries()) {
    const run = await post("/api/v1/runs", { project: "Vision", experiment, name: `lr-${lr}`, params: { lr, batch: 32 }, tags: { team: i === 2 ? "cv" : "nlp" } });
    ids.push(run.id);
    await post(`/api/v1/runs/${run.id}/metrics`, { metrics: Array.from({ length: 200 }, (_, step) => ({ key: "loss", step, value: Number(lr) * 10 / (step + 1), timestamp: Date.now() + step })) });
    await post(`/api/v1/runs/${run.id}`, { status: "FINISHED" }, "PATCH");
  }

  await signIn(page, ADMIN.email, ADMIN.password);
  await page.locator("aside").getByRole("link", { name: "Experiments" }).click();
  await page.waitForURL(`**/${ORG_SLUG}/experiments`);
  await page.getByRole("link", { name: experiment }).click();
  const table = page.getByTestId("runs-table");
  await expect(table.getByRole("row")).toHaveCount(4);
  await expect(table.getByRole("columnheader", { name: "params.lr" })).toBeVisible();
  await expect(table.getByRole("columnheader", { name: "metrics.loss" })).toBeVisible();

  // A filter that does not parse says why; a good one narrows the table; the URL carries it.
  await page.getByLabel("Filter runs").fill("metrics.loss <");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page.getByTestId("filter-error")).toContainText("expected a value");
  await page.getByLabel("Filter runs").fill("metrics.loss < 0.005 and tags.team = 'nlp'");
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(table.getByRole("row")).toHaveCount(2);
  await expect(table).toContainText("lr-0.01");
  expect(new URL(page.url()).searchParams.get("q")).toBe("metrics.loss < 0.005 and tags.team = 'nlp'");
  await page.screenshot({ path: `${SCREENS_DIR}/experiment-runs-filtered.png`, fullPage: true });

  // Sorting by a metric column, then compare two runs.
  await page.goto(`/${ORG_SLUG}/experiments/${new URL(page.url()).pathname.split("/").pop()}?sort=metrics.loss%20DESC`);
  await expect(table.getByRole("row").nth(1)).toContainText("lr-0.1");
  await table.getByLabel("Compare lr-0.1").check();
  await table.getByLabel("Compare lr-0.001").check();
  await page.getByRole("button", { name: "Compare selected" }).click();
  await page.waitForURL(/\/experiments\/compare\?/);
  await expect(page.getByRole("heading", { name: "Compare 2 runs" })).toBeVisible();
  await expect(page.getByTestId("compare-charts").getByRole("figure", { name: "loss" })).toBeVisible();
  const diff = page.getByTestId("compare-diff");
  await expect(diff.locator("tr[data-differs=true]", { hasText: "params.lr" })).toBeVisible();
  await expect(diff.locator("tr[data-differs=false]", { hasText: "params.batch" })).toBeVisible();
  // How the param relates to the result: one line and one point per run.
  await expect(page.getByTestId("parallel-coordinates").locator("path[data-run]")).toHaveCount(2);
  await expect(page.getByTestId("param-scatter").locator(".recharts-scatter-symbol")).toHaveCount(2);
  await expect(page.getByLabel("Scatter x axis")).toHaveValue("params.lr");
  await page.screenshot({ path: `${SCREENS_DIR}/experiments-compare.png`, fullPage: true });
});

test("deleting a run or an experiment hides it, says when its data goes, and restore brings it back", async ({ page, baseURL }) => {
  const experiment = `retention-${Date.now()}`;
  const post = (path: string, body: unknown, method = "POST") => fetch(`${baseURL}${path}`, {
    method, headers: { authorization: `Bearer ${ADMIN.apiKey}`, "content-type": "application/json" }, body: JSON.stringify(body),
  }).then((r) => r.json());
  const run = await post("/api/v1/runs", { project: "Vision", experiment, name: "to-delete" });
  await post(`/api/v1/runs/${run.id}`, { status: "FINISHED" }, "PATCH");

  await signIn(page, ADMIN.email, ADMIN.password);
  await page.goto(`/${ORG_SLUG}/training/${run.id}`);
  await page.getByRole("button", { name: "Delete" }).click();
  await page.getByRole("button", { name: "Delete run" }).click();
  await expect(page.getByTestId("run-deleted")).toContainText("are purged");
  await page.screenshot({ path: `${SCREENS_DIR}/run-deleted.png`, fullPage: true });

  await page.goto(`/${ORG_SLUG}/experiments/${run.experiment.id}`);
  await expect(page.getByText("No runs in this experiment")).toBeVisible();
  await page.getByRole("link", { name: "Deleted runs" }).click();
  await expect(page.getByTestId("runs-table")).toContainText("to-delete");
  await page.getByRole("link", { name: "to-delete" }).click();
  await page.getByRole("button", { name: "Restore" }).click();
  await expect(page.getByTestId("run-deleted")).toHaveCount(0);

  await page.goto(`/${ORG_SLUG}/experiments/${run.experiment.id}`);
  await expect(page.getByTestId("runs-table")).toContainText("to-delete");
  await page.getByRole("button", { name: "Delete" }).click();
  await page.getByRole("button", { name: "Delete experiment" }).click();
  await page.waitForURL(`**/${ORG_SLUG}/experiments`);
  const deleted = page.getByTestId("deleted-experiments");
  await expect(deleted).toContainText(experiment);
  await page.screenshot({ path: `${SCREENS_DIR}/experiments-deleted.png`, fullPage: true });
  await deleted.getByRole("button", { name: `Restore ${experiment}` }).click();
  await page.waitForURL(`**/experiments/${run.experiment.id}`);
  await expect(page.getByTestId("runs-table")).toContainText("to-delete");
});
