import { expect, test } from "@playwright/test";
import { SCREENS_DIR } from "./fixtures";

/** The first minutes of a new installation, on the "fresh" server (an empty database). */
test("first visit to an empty installation runs setup and lands on the dashboard", async ({ page }) => {
  const owner = { name: "Fiona First", email: "fiona-first@example.com", password: "first-password-1", orgName: "First Light" };
  await page.goto("/");
  await page.waitForURL("**/setup");
  await expect(page.getByText("Set up Anvil").first()).toBeVisible();

  await page.locator("#name").fill(owner.name);
  await page.locator("#email").fill(owner.email);
  await page.locator("#password").fill(owner.password);
  await page.locator("#orgName").fill(owner.orgName);
  await page.getByRole("button", { name: "Create admin account" }).click();

  await page.waitForURL("**/first-light/dashboard");
  await expect(page.locator("aside").getByRole("link", { name: "Training" })).toBeVisible();
  await page.screenshot({ path: `${SCREENS_DIR}/01-dashboard-after-setup.png`, fullPage: true });

  // Setup is one-off: the page now sends people to sign in.
  await page.goto("/setup");
  await page.waitForURL(/\/login(\?|$)/);
});
