import path from "node:path";
import { expect, type Page } from "@playwright/test";

/**
 * Shared state of one `playwright test` run. Every run gets a fresh data directory (see
 * playwright.config.ts), so its name doubles as a run id that is identical in every worker
 * process and makes emails unique across runs.
 */
export const RUN_ID = path.basename(process.env.E2E_DATA_DIR ?? `e2e-${Date.now()}`).replace(/^e2e-/, "");

export const ADMIN = {
  name: "Ada Admin",
  email: `admin-${RUN_ID}@example.com`,
  password: "correct-horse-battery",
  orgName: "E2E Forge",
} as const;

/** What setup makes of ADMIN.orgName in a fresh database (slugify in server/tenancy/validation.ts). */
export const ORG_SLUG = "e2e-forge";

/** Unique per call: `viewer-<ts>@example.com`. */
export function uniqueEmail(prefix: string): string {
  return `${prefix}-${Date.now()}-${Math.floor(Math.random() * 1e4)}@example.com`;
}

export const SCREENS_DIR = "test-results/screens";

/** The org slug from a URL such as /e2e-forge/dashboard. */
export function orgFromUrl(url: string): string {
  const slug = new URL(url).pathname.split("/")[1];
  if (!slug) throw new Error(`no organization in ${url}`);
  return slug;
}

/** /{org}/dashboard, the landing page after setup, sign-in and sign-up. */
export const DASHBOARD = /^http:\/\/[^/]+\/[a-z0-9-]+\/dashboard$/;

/** Signs in with email and password and waits for the organization dashboard; returns the org slug. */
export async function signIn(page: Page, email: string, password: string): Promise<string> {
  await page.goto("/login");
  await page.locator("#email").fill(email);
  await page.locator("#password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(DASHBOARD);
  return orgFromUrl(page.url());
}

/** The sidebar's "Sign out" (the desktop sidebar; the phone menu holds a hidden twin). */
export async function signOut(page: Page): Promise<void> {
  await page.locator("aside").getByRole("button", { name: "Sign out" }).click();
  await page.waitForURL(/\/login(\?|$)/);
  await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();
}
