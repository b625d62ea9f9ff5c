import { expect, type Page } from "@playwright/test";
import { E2E_INIT } from "./init-account";

/** The admin the "app" server was initialised with (ANVIL_INIT_*): every spec signs in as it. */
export const ADMIN = { name: E2E_INIT.name, email: E2E_INIT.email, password: E2E_INIT.password, apiKey: E2E_INIT.apiKey } as const;
export const ORG_SLUG = E2E_INIT.orgSlug;

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
