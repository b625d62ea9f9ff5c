import { expect, test } from "@playwright/test";
import { ADMIN, ORG_SLUG, SCREENS_DIR, signIn, signOut, uniqueEmail } from "./fixtures";
import { E2E_INIT } from "./init-account";

const ADMIN_ORG_NAME = E2E_INIT.org;

/** Signs in as the admin the app server was initialised with; makes every other account it needs. */

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

test("an unauthenticated visit to a deep link signs in and comes back to that very page", async ({ page }) => {
  const opened = `/${ORG_SLUG}/settings/audit?action=run`;
  await page.goto(opened);
  await page.waitForURL(/\/login\?/);
  const url = new URL(page.url());
  expect(url.pathname).toBe("/login");
  expect(url.searchParams.get("next")).toBe(opened);
  await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();

  await page.locator("#email").fill(ADMIN.email);
  await page.locator("#password").fill(ADMIN.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((u) => `${u.pathname}${u.search}` === opened);
});

test("a next= pointing off the site lands on the site instead", async ({ page }) => {
  await page.goto(`/login?next=${encodeURIComponent("/\\evil.example")}`);
  await page.locator("#email").fill(ADMIN.email);
  await page.locator("#password").fill(ADMIN.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(`**/${ORG_SLUG}/dashboard`);
  expect(new URL(page.url()).hostname).toBe("127.0.0.1");
});

test("a viewer invited by link signs up into the organization and can watch jobs but not submit or stop them", async ({ page }) => {
  const viewer = { name: "Vera Viewer", email: uniqueEmail("viewer"), password: "viewer-password-1" };
  const jobName = `viewer-watch-${Date.now()}`;
  let org: string = ORG_SLUG;
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

  let invitation = "";
  await test.step("admin invites the viewer's email and gets a one-time link to send", async () => {
    await page.goto(`/${org}/settings/members`);
    await expect(page.getByRole("link", { name: "Members" })).toHaveAttribute("aria-current", "page");
    await page.locator("#member-email").fill(viewer.email);
    await page.locator("#member-role").selectOption("viewer");
    await page.getByRole("button", { name: "Add member" }).click();
    await expect(page.getByText(`${viewer.email} has no account yet. Send them this link`)).toBeVisible();
    await expect(page.getByText("Each invitation is a one-time link")).toBeVisible();
    const link = page.getByTestId("invitation-link");
    await expect(link).toContainText("/invite/");
    invitation = (await link.textContent())!;
    await expect(page.getByRole("row").filter({ hasText: viewer.email })).toContainText("invited — link valid until");
    await page.screenshot({ path: `${SCREENS_DIR}/04-invitation-link.png`, fullPage: true });
    await signOut(page);
  });

  await test.step("signing up with the invited e-mail alone grants nothing", async () => {
    await page.goto("/signup");
    await expect(page.getByText("open an invitation link")).toBeVisible();
  });

  await test.step("viewer opens the link, creates an account and lands in the organization (the link is used up)", async () => {
    await page.goto(invitation);
    await expect(page.getByText(`Join ${ADMIN_ORG_NAME}`)).toBeVisible();
    await page.getByRole("link", { name: "Create an account and join" }).click();
    await page.locator("#name").fill(viewer.name);
    await page.locator("#email").fill(viewer.email);
    await page.locator("#password").fill(viewer.password);
    await page.getByRole("button", { name: "Create account" }).click();
    await page.waitForURL(`**/${org}/dashboard`);
    await expect(page.getByText("you are viewer")).toBeVisible();
    await page.goto(invitation);
    await expect(page.getByText("This invitation link does not work")).toBeVisible();
    await page.goto(`/${org}/dashboard`);
  });

  await test.step("viewer sees the jobs but no New training job link", async () => {
    await page.locator("aside").getByRole("link", { name: "Training" }).click();
    await page.waitForURL(`**/${org}/training`);
    await expect(page.getByRole("heading", { name: "Training" })).toBeVisible();
    await expect(page.getByRole("link", { name: jobName })).toBeVisible();
    await expect(page.getByRole("link", { name: "New training job" })).toHaveCount(0);
    await page.screenshot({ path: `${SCREENS_DIR}/05-viewer-training-list.png`, fullPage: true });
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
    await page.screenshot({ path: `${SCREENS_DIR}/06-viewer-running-job.png`, fullPage: true });
    await signOut(page);
  });

  await test.step("admin sees the viewer as a member and stops the job", async () => {
    await signIn(page, ADMIN.email, ADMIN.password);
    await page.goto(`/${org}/settings/members`);
    await expect(page.getByLabel(`Role of ${viewer.email}`)).toHaveValue("viewer");
    await expect(page.getByRole("row").filter({ hasText: viewer.email })).not.toContainText("invited");

    await page.goto(jobPath);
    await page.getByRole("button", { name: "Stop" }).click();
    // Stopping asks first; cancelling the question changes nothing.
    await expect(page.getByRole("dialog")).toContainText(`Stop “${jobName}”?`);
    await page.getByRole("button", { name: "Cancel" }).click();
    await expect(page.getByTestId("run-status")).toHaveText("Running");
    await page.getByRole("button", { name: "Stop" }).click();
    await page.getByRole("button", { name: "Stop job" }).click();
    await expect(page.getByTestId("run-status")).toHaveText("Cancelled", { timeout: 30_000 });
    await expect(page.locator("p", { hasText: "Stopped by" }).locator("xpath=following-sibling::p")).toContainText(ADMIN.email);
  });
});
