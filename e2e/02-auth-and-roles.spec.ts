import { expect, test } from "@playwright/test";
import { ADMIN, ORG_SLUG, SCREENS_DIR, signIn, signOut, uniqueEmail } from "./fixtures";

/** Needs the admin and organization created by 01-first-run-training.spec.ts. */

test("a wrong password is refused", async ({ page }) => {
  await page.goto("/login");
  await page.locator("#email").fill(ADMIN.email);
  await page.locator("#password").fill(`${ADMIN.password}-nope`);
  await page.getByRole("button", { name: "Sign in" }).click();

  await expect(page.getByText("Wrong email or password")).toBeVisible();
  expect(new URL(page.url()).pathname).toBe("/login");
  // The email is kept for the next attempt, and the session is still anonymous.
  await expect(page.locator("#email")).toHaveValue(ADMIN.email);
  await page.goto(`/${ORG_SLUG}/dashboard`);
  await page.waitForURL(/\/login\?/);
});

test("an unauthenticated visit to the dashboard redirects to /login, and back after signing in", async ({ page }) => {
  await page.goto(`/${ORG_SLUG}/dashboard`);
  await page.waitForURL(/\/login\?/);
  const url = new URL(page.url());
  expect(url.pathname).toBe("/login");
  expect(url.searchParams.get("next")).toBe(`/${ORG_SLUG}/dashboard`);
  await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();

  await page.locator("#email").fill(ADMIN.email);
  await page.locator("#password").fill(ADMIN.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(`**/${ORG_SLUG}/dashboard`);
});

test("an invited viewer signs up into the organization and can watch jobs but not submit or stop them", async ({ page }) => {
  const viewer = { name: "Vera Viewer", email: uniqueEmail("viewer"), password: "viewer-password-1" };
  const jobName = `viewer-watch-${Date.now()}`;
  let org = ORG_SLUG;
  let jobPath = "";

  await test.step("admin starts a job long enough (~60 s) to still be running while the viewer looks", async () => {
    org = await signIn(page, ADMIN.email, ADMIN.password);
    await page.goto(`/${org}/training/new`);
    await page.locator("#name").fill(jobName);
    await page.locator("#hyperparameters").fill("epochs = 400\nlr = 0.5\nhidden = 0\nseed = 42\nepoch_delay_ms = 150");
    await page.getByRole("button", { name: "Submit job" }).click();
    await page.waitForURL(new RegExp(`/${org}/training/[0-9a-f-]{36}$`));
    jobPath = new URL(page.url()).pathname;
    await expect(page.getByTestId("run-status")).toHaveText("Running");
    await expect(page.getByRole("button", { name: "Stop" })).toBeVisible(); // the admin may stop it
  });

  await test.step("admin invites the viewer's email (no account yet: an invitation)", async () => {
    await page.goto(`/${org}/settings/members`);
    await page.locator("#member-email").fill(viewer.email);
    await page.locator("#member-role").selectOption("viewer");
    await page.getByRole("button", { name: "Add member" }).click();
    await expect(page.getByText(`${viewer.email} has no account yet: they join as viewer when they sign up with this email.`)).toBeVisible();
    await expect(page.getByRole("row").filter({ hasText: viewer.email })).toContainText("invited — no account yet");
    await signOut(page);
  });

  await test.step("viewer signs up with that email and lands in the organization", async () => {
    await page.goto("/signup");
    await page.locator("#name").fill(viewer.name);
    await page.locator("#email").fill(viewer.email);
    await page.locator("#password").fill(viewer.password);
    await page.getByRole("button", { name: "Create account" }).click();
    await page.waitForURL(`**/${org}/dashboard`);
    await expect(page.getByText("you are viewer")).toBeVisible();
  });

  await test.step("viewer sees the jobs but no New training job link", async () => {
    await page.locator("aside").getByRole("link", { name: "Training" }).click();
    await page.waitForURL(`**/${org}/training`);
    await expect(page.getByRole("heading", { name: "Training" })).toBeVisible();
    await expect(page.getByRole("link", { name: jobName })).toBeVisible();
    await expect(page.getByRole("link", { name: "New training job" })).toHaveCount(0);
    await page.screenshot({ path: `${SCREENS_DIR}/04-viewer-training-list.png`, fullPage: true });
  });

  await test.step("viewer cannot submit from /training/new", async () => {
    await page.goto(`/${org}/training/new`);
    await expect(page.getByText("Your role (viewer) can view jobs but not submit them")).toBeVisible();
    await expect(page.getByRole("button", { name: "Submit job" })).toHaveCount(0);
    await expect(page.locator("#template")).toHaveCount(0);
  });

  await test.step("viewer watches the running job stream, with no Stop button", async () => {
    await page.goto(jobPath);
    await expect(page.getByTestId("run-status")).toHaveText("Running");
    await expect(page.getByTestId("run-logs")).toContainText(/epoch \d+\/400/);
    await expect(page.getByRole("button", { name: "Stop" })).toHaveCount(0);
    await page.screenshot({ path: `${SCREENS_DIR}/05-viewer-running-job.png`, fullPage: true });
    await signOut(page);
  });

  await test.step("admin sees the viewer as a member and stops the job", async () => {
    await signIn(page, ADMIN.email, ADMIN.password);
    await page.goto(`/${org}/settings/members`);
    await expect(page.getByLabel(`Role of ${viewer.email}`)).toHaveValue("viewer");
    await expect(page.getByText("invited — no account yet")).toHaveCount(0);

    await page.goto(jobPath);
    await page.getByRole("button", { name: "Stop" }).click();
    await expect(page.getByTestId("run-status")).toHaveText("Cancelled", { timeout: 30_000 });
  });
});
