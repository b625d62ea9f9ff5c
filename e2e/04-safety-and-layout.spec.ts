import { expect, test, type Page } from "@playwright/test";
import { ADMIN, SCREENS_DIR, signIn } from "./fixtures";

/** What a run uploads never runs in the app; the pages fit a laptop and a phone. */

async function quickIrisRun(page: Page, org: string, name: string): Promise<string> {
  await page.goto(`/${org}/training/new`);
  await page.locator("#name").fill(name);
  await page.locator("#hyperparameters").fill("epochs = 3\nlr = 0.5\nhidden = 0\nseed = 1\nepoch_delay_ms = 10");
  await page.getByRole("button", { name: "Submit job" }).click();
  await page.waitForURL(new RegExp(`/${org}/training/[0-9a-f-]{36}$`));
  await expect(page.getByTestId("run-status")).toHaveText("Succeeded", { timeout: 60_000 });
  return new URL(page.url()).pathname.split("/").pop()!;
}

const api = (runId: string, rest: string) => `/api/v1/runs/${runId}/${rest}`;
const bearer = { authorization: `Bearer ${ADMIN.apiKey}` };

test("an HTML artifact is shown as text and downloaded, never run as a page; tags show on the run", async ({ page }) => {
  const org = await signIn(page, ADMIN.email, ADMIN.password);
  const runId = await quickIrisRun(page, org, `xss-probe-${Date.now()}`);
  const evil = "<script>document.title='pwned';fetch('/api/trpc/apiKeys.create?batch=1',{method:'POST',body:'{}'})</script><h1>report</h1>";
  expect((await page.request.put(api(runId, "artifacts/reports/evil.html"), { headers: { ...bearer, "content-type": "text/html" }, data: evil })).status()).toBe(201);
  expect((await page.request.post(api(runId, "tags"), { headers: bearer, data: { tags: { team: "vision", stage: "probe" } } })).status()).toBe(200);
  const keysBefore = await page.request.get(`/api/trpc/apiKeys.list?input=${encodeURIComponent(JSON.stringify({ json: { org } }))}`).then((r) => r.json());

  await page.reload();
  await expect(page.getByTestId("run-tags")).toContainText("team=vision");
  const row = page.getByTestId("artifact-file").filter({ hasText: "evil.html" });
  await row.getByRole("button", { name: "Preview reports/evil.html" }).click();
  await expect(row.getByTestId("artifact-preview")).toContainText("<script>document.title='pwned'");
  const [download] = await Promise.all([page.waitForEvent("download"), row.getByRole("link", { name: "Download reports/evil.html" }).click()]);
  expect(download.suggestedFilename()).toBe("evil.html");
  await page.screenshot({ path: `${SCREENS_DIR}/07-artifact-preview.png`, fullPage: true });

  const res = await page.request.get(api(runId, `artifacts/reports/evil.html?org=${org}`));
  expect(res.headers()["content-disposition"]).toMatch(/^attachment/);
  expect(res.headers()["content-security-policy"]).toMatch(/^sandbox/);
  expect(await page.title()).not.toBe("pwned");
  const keysAfter = await page.request.get(`/api/trpc/apiKeys.list?input=${encodeURIComponent(JSON.stringify({ json: { org } }))}`).then((r) => r.json());
  expect(keysAfter).toEqual(keysBefore);
});

test("a run page that does not exist is a 404 page, whatever the id looks like", async ({ page }) => {
  const org = await signIn(page, ADMIN.email, ADMIN.password);
  for (const id of ["00000000-0000-4000-8000-000000000000", "not-an-id", "zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz"]) {
    const res = await page.goto(`/${org}/training/${id}`);
    expect(res!.status(), id).toBe(404);
    await expect(page.getByText(/could not be found|not found/i).first()).toBeVisible();
  }
});

test("pages carry a strict content security policy", async ({ page }) => {
  const org = await signIn(page, ADMIN.email, ADMIN.password);
  const res = await page.goto(`/${org}/training`);
  const csp = res!.headers()["content-security-policy"];
  expect(csp).toMatch(/script-src 'self' 'nonce-[^']+' 'strict-dynamic'/);
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).toContain("object-src 'none'");
});

test("choosing Custom command keeps the job's name, and the job runs under it", async ({ page }) => {
  const org = await signIn(page, ADMIN.email, ADMIN.password);
  await page.goto(`/${org}/training/new`);
  const name = `kept-name-${Date.now()}`;
  await page.locator("#name").fill(name);
  await page.locator("#template").selectOption("custom");
  await expect(page.locator("#name")).toHaveValue(name);
  await page.locator("#command").fill("echo hello from a custom command");
  await page.getByRole("button", { name: "Submit job" }).click();
  await page.waitForURL(new RegExp(`/${org}/training/[0-9a-f-]{36}$`));
  await expect(page.getByRole("heading", { name })).toBeVisible();
  await expect(page.getByTestId("run-logs")).toContainText("hello from a custom command");
});

test("at 1280 px the tables fit without scrolling sideways", async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  const org = await signIn(page, ADMIN.email, ADMIN.password);
  for (const path of ["training", "settings/members", "settings/api-keys", "settings/audit"]) {
    await page.goto(`/${org}/${path}`);
    const overflow = await page.evaluate(() => [...document.querySelectorAll("table")].map((t) => t.parentElement!.scrollWidth - t.parentElement!.clientWidth));
    expect(overflow.every((o) => o <= 1), `${path}: ${overflow}`).toBe(true);
  }
});

test("on a phone the menu closes after navigating, and pages fit 390 px", async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  const org = await signIn(page, ADMIN.email, ADMIN.password);
  const menu = page.locator("details").filter({ has: page.locator("summary", { hasText: "Anvil ·" }) });
  await menu.locator("summary").click();
  await expect(menu).toHaveAttribute("open", "");
  await menu.getByRole("link", { name: "Training" }).click();
  await page.waitForURL(`**/${org}/training`);
  await expect(menu).not.toHaveAttribute("open", "");
  for (const path of ["training", "training/new", "settings/members", "settings/api-keys"]) {
    await page.goto(`/${org}/${path}`);
    expect(await page.evaluate(() => document.documentElement.scrollWidth), path).toBeLessThanOrEqual(390);
  }
  await page.goto(`/${org}/training`);
  await page.screenshot({ path: `${SCREENS_DIR}/08-phone-training.png`, fullPage: true });
});
