import { execFileSync } from "node:child_process";
import { expect, test } from "@playwright/test";
import { ADMIN, SCREENS_DIR, signIn } from "./fixtures";

/**
 * A canary of the tiny language model's second version on the service the previous spec left
 * ("bard", serving tiny-poet v1 on this machine), as a new user would run it: start it from the
 * service page, watch the split and the A/B panel, crash the candidate's server and see the
 * automatic rollback with its reason; run it again healthy and promote it.
 */

const bearer = { authorization: `Bearer ${ADMIN.apiKey}` };

test("a canary rolled back on errors, then run healthy and promoted", async ({ page }) => {
  test.setTimeout(240_000);
  const org = await signIn(page, ADMIN.email, ADMIN.password);
  // This 2-core machine runs two replicas at once: the Iris service gives its slot to the candidate.
  await page.request.delete("/api/v1/inference/services/iris", { headers: bearer });
  const service = await (await page.request.get("/api/v1/inference/services/bard", { headers: bearer })).json();
  expect(service.variants.map((v: { name: string }) => v.name)).toEqual(["primary"]);

  // Steady traffic, as users would send, for as long as the test runs (about 20 requests a second).
  let sending = true;
  const traffic = (async () => {
    while (sending) {
      const sent = await page.request.post("/api/v1/services/bard/v1/completions", { headers: bearer, data: { prompt: "Shall I", max_tokens: 3 } }).catch(() => null);
      if (!sent) break; // the page is gone: the test ended
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  try {
    const start = async (steps: string, interval: string) => {
      await page.goto(`/${org}/inference/${service.id}?tab=rollouts`);
      const form = page.getByTestId("start-rollout");
      await form.locator("#candidate").selectOption("new");
      await form.locator("#candidateName").fill("v2");
      await form.locator("#model").selectOption("tiny-poet@2");
      await form.locator("#steps").fill(steps);
      await form.locator("#intervalSeconds").fill(interval);
      await form.locator("#minRequests").fill("10");
      await form.locator("#maxErrorRate").fill("5");
      await form.getByRole("button", { name: "Start rollout" }).click();
      await expect(page.getByTestId("rollout-status")).toHaveText("progressing");
    };

    // 1. A canary at 10 %: the candidate's replica starts, then takes a tenth of the traffic.
    await start("10, 50, 100", "30");
    await expect(page.getByTestId("rollout-message")).toContainText("Step 1 of 3: v2 at 10 %", { timeout: 90_000 });
    await page.goto(`/${org}/inference/${service.id}`);
    // The third row is the canary the previous spec removed: its history stays.
    await expect(page.getByTestId("variant-share")).toHaveText(["90 %", "10 %", "—"]);
    await expect.poll(async () => { await page.reload(); return page.getByTestId("variant-requests").nth(1).textContent(); }, { timeout: 30_000 }).not.toBe("0");
    await page.screenshot({ path: `${SCREENS_DIR}/15-canary-split.png`, fullPage: true });
    await page.goto(`/${org}/inference/${service.id}?tab=ab`);
    await expect(page.getByTestId("ab-comparison")).toContainText("v2 vs primary");
    await expect(page.getByTestId("ab-metric")).toHaveCount(5);
    await page.screenshot({ path: `${SCREENS_DIR}/15-ab.png`, fullPage: true });

    // 2. The candidate starts failing (its server's fault switch): the analysis rolls it back with the reason.
    const replicas = (await (await page.request.get("/api/v1/inference/services/bard", { headers: bearer })).json()).replicas as Array<{ variant: string; url: string }>;
    const port = new URL(replicas.find((r) => r.variant === "v2")!.url).port;
    execFileSync("fuser", ["-k", "-USR2", "-n", "tcp", port], { stdio: "ignore" });
    await page.goto(`/${org}/inference/${service.id}?tab=rollouts`);
    await expect(page.getByTestId("rollout-status")).toHaveText("rolled back", { timeout: 60_000 });
    await expect(page.getByTestId("rollout-message")).toContainText(/SLO breached: error rate \d+(\.\d)? % > 5\.0 %/);
    await expect(page.getByTestId("rollout-events")).toContainText("rollback");
    await page.screenshot({ path: `${SCREENS_DIR}/15-rolled-back.png`, fullPage: true });
    await page.goto(`/${org}/inference/${service.id}?tab=monitoring`);
    await expect(page.getByTestId("alerts")).toContainText("Rollout of v2 rolled back");
    await expect(page.getByTestId("drift")).toContainText("primary");
    await page.screenshot({ path: `${SCREENS_DIR}/15-monitoring.png`, fullPage: true });

    // 3. Again, healthy: past its first analysis, then promoted by hand.
    await start("50, 100", "20");
    await expect(page.getByText("SLO held over")).toBeVisible({ timeout: 90_000 });
    await page.getByRole("button", { name: "Promote now" }).click();
    await expect(page.getByTestId("rollout-status")).toHaveText("promoted");
    await page.screenshot({ path: `${SCREENS_DIR}/15-promoted.png`, fullPage: true });
  } finally {
    sending = false;
    await traffic;
  }
  const after = await (await page.request.get("/api/v1/inference/services/bard", { headers: bearer })).json();
  expect(after.variants.map((v: { name: string; weight: number }) => [v.name, v.weight])).toEqual([["v2", 100]]);

  // Autoscaling on: requests in flight per replica, between 1 and 2 replicas.
  await page.goto(`/${org}/inference/${service.id}?tab=scaling`);
  await expect(page.getByText("Autoscaling is off")).toBeVisible();
  const form = page.getByTestId("autoscaling-form");
  await form.getByLabel("Scale the replicas on load").check();
  await form.locator("#maxReplicas").fill("2");
  await form.locator("#target").fill("8");
  await form.getByRole("button", { name: "Save" }).click();
  await expect(page.getByText("No scaling decision yet")).toBeVisible();
  await expect(page.getByTestId("autoscaling-form").getByLabel("Scale the replicas on load")).toBeChecked();
  expect((await (await page.request.get("/api/v1/inference/services/bard/scaling", { headers: bearer })).json()).policy).toMatchObject({ metric: "concurrency", target: 8, minReplicas: 1, maxReplicas: 2 });
  await page.screenshot({ path: `${SCREENS_DIR}/15-autoscaling.png`, fullPage: true });
});
