import { expect, test, type Page } from "@playwright/test";
import { ADMIN, SCREENS_DIR, signIn } from "./fixtures";

/**
 * A pool of 8 GPUs shared by two queues of one cohort: a low-priority job borrows the whole pool,
 * a high-priority job of the other queue takes its quota back — the borrower is preempted and
 * both say why. Then a spent budget refuses a new GPU job with the reason.
 */

/** The Iris example, slowed down and checkpointing every 10 epochs, or a job that just holds its GPUs. */
async function submitGpuJob(page: Page, org: string, name: string, gpus: number, queue: string, priority: number, iris = false) {
  await page.goto(`/${org}/training/new`);
  await page.locator("#name").fill(name);
  if (iris) {
    await page.locator("#template").selectOption("iris-softmax");
    await page.locator("#hyperparameters").fill("epochs = 3000\nepoch_delay_ms = 100\ncheckpoint_every = 10");
  } else {
    await page.locator("#template").selectOption("custom");
    await page.locator("#command").fill(`python3 -c "import time; time.sleep(300)"`);
  }
  await page.locator("#gpuCount").fill(String(gpus));
  await page.locator("#gpuType").fill("A100");
  await page.locator("#queue").selectOption(queue);
  await page.locator("#priority").fill(String(priority));
  await page.getByRole("button", { name: "Submit job" }).click();
  await page.waitForURL(/\/training\/[0-9a-f-]{36}$/);
  return page.url();
}

test("a low-priority borrower is preempted by a high-priority job; both reasons shown; a job over budget is refused", async ({ page }) => {
  test.setTimeout(180_000);
  const org = await signIn(page, ADMIN.email, ADMIN.password);
  await page.goto(`/${org}/settings`);
  await page.getByRole("link", { name: "GPU pools & budget" }).click();
  await page.waitForURL(`**/${org}/settings/scheduling`);
  await expect(page.getByText("No GPU pools")).toBeVisible();

  await page.locator("#pool-new-name").fill("a100");
  await page.locator("#pool-new-type").fill("A100");
  await page.locator("#pool-new-gpus").fill("8");
  await page.locator("#pool-new-cost").fill("2.50");
  await page.locator("#pool-new-runs-on").selectOption("local");
  await page.getByRole("button", { name: "Create pool" }).click();
  await expect(page.getByTestId("pool-a100")).toContainText("8 × A100 on this machine");

  for (const [name, isDefault] of [["research", true], ["prod", false]] as const) {
    await page.locator("#queue-new-name").fill(name);
    await page.locator("#queue-new-cohort").fill("lab");
    await page.locator("#queue-new-nominal-0").fill("4");
    if (isDefault) await page.getByText("Default queue: GPU jobs submitted without a queue wait here").last().click();
    await page.getByRole("button", { name: "Create queue" }).click();
    await expect(page.getByTestId(`queue-${name}`)).toContainText("a100: 0/4");
  }
  await page.screenshot({ path: `${SCREENS_DIR}/10-pools-and-queues.png`, fullPage: true });

  const low = await submitGpuJob(page, org, "low-borrower", 8, "research", 0, true);
  await expect(page.getByTestId("run-status")).toHaveText("Running", { timeout: 30_000 });
  await expect(page.getByTestId("job-scheduling")).toContainText("a100 (borrowing)");
  await expect(page.getByTestId("checkpoints")).toContainText("epoch-0010.json", { timeout: 30_000 });

  const high = await submitGpuJob(page, org, "high-urgent", 4, "prod", 100);
  await expect(page.getByTestId("run-status")).toHaveText("Running", { timeout: 60_000 });
  await page.screenshot({ path: `${SCREENS_DIR}/10-preemptor-running.png`, fullPage: true });

  await page.goto(low);
  await expect(page.getByText('Attempt 1 was preempted by "high-urgent": its queue research was borrowing from queue prod, which needs its quota back')).toBeVisible();
  await expect(page.getByText(/it resumes from checkpoints\/epoch-\d{4}\.json/)).toBeVisible();
  await expect(page.getByTestId("pending-reason")).toContainText("needs 8 GPUs of pool a100: queue research has 4 of its 4 free and 0 idle to borrow in its cohort");
  await expect(page.getByTestId("job-scheduling")).toContainText("1×, last by high-urgent");
  await page.screenshot({ path: `${SCREENS_DIR}/10-preempted-job.png`, fullPage: true });

  await page.goto(`/${org}/training/queues`);
  await expect(page.getByTestId("pool-card-a100")).toContainText("4 of 8 GPUs in use");
  await expect(page.getByTestId("queue-card-research")).toContainText("low-borrower");
  await expect(page.getByTestId("utilisation-a100")).toBeVisible();
  await page.screenshot({ path: `${SCREENS_DIR}/10-queues.png`, fullPage: true });

  // Budget: spent → a new GPU job is refused, saying why.
  await page.goto(`/${org}/settings/scheduling`);
  await page.locator("#budget-limit").fill("0");
  await page.getByRole("button", { name: "Save budget" }).click();
  await expect(page.getByTestId("budget-bar")).toBeVisible();
  await page.goto(`/${org}/training/new`);
  await expect(page.getByText("The GPU budget is spent")).toBeVisible();
  await page.locator("#name").fill("over-budget");
  await page.locator("#template").selectOption("custom");
  await page.locator("#command").fill("true");
  await page.locator("#gpuCount").fill("1");
  await page.getByRole("button", { name: "Submit job" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "Not submitted: the organization's budget for" })).toBeVisible();
  // Nothing typed is lost: still the custom command, 1 GPU.
  await expect(page.locator("#template")).toHaveValue("custom");
  await expect(page.locator("#command")).toHaveValue("true");
  await expect(page.locator("#gpuCount")).toHaveValue("1");
  await page.screenshot({ path: `${SCREENS_DIR}/10-over-budget.png`, fullPage: true });

  await page.goto(`/${org}/training/costs`);
  await expect(page.getByTestId("daily-cost-chart")).toBeVisible();
  await expect(page.getByText("low-borrower")).toBeVisible();
  await page.screenshot({ path: `${SCREENS_DIR}/10-costs.png`, fullPage: true });

  // Leave the organization as other specs expect it: no budget, nothing running.
  await page.goto(`/${org}/settings/scheduling`);
  await page.locator("#budget-limit").fill("");
  await page.getByRole("button", { name: "Save budget" }).click();
  await expect(page.getByText("No budget: GPU jobs are never refused for cost.")).toBeVisible();
  // The preemptor done, the borrower gets its GPUs back and goes on from its checkpoint.
  for (const url of [high, low]) {
    await page.goto(url);
    if (url === low) {
      await expect(page.getByTestId("run-status")).toHaveText("Running", { timeout: 30_000 });
      await expect(page.getByTestId("run-logs")).toContainText(/resumed from checkpoints\/epoch-\d{4}\.json: epoch \d+ done, continuing at \d+/, { timeout: 30_000 });
      await page.screenshot({ path: `${SCREENS_DIR}/10-resumed-after-preemption.png`, fullPage: true });
    }
    await page.getByRole("button", { name: "Stop" }).click();
    await page.getByRole("button", { name: "Stop job" }).click();
    await expect(page.getByTestId("run-status")).toHaveText("Cancelled", { timeout: 30_000 });
  }
});
