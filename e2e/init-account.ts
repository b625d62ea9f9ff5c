/**
 * The account the "app" server is initialised with (ANVIL_INIT_*, see playwright.config.ts).
 * Plain constants, importable by the config and by specs alike.
 */
export const E2E_INIT = {
  org: "E2E Forge",
  orgSlug: "e2e-forge",
  name: "Ada Admin",
  email: "ada-admin@example.com",
  password: "correct-horse-battery",
  apiKey: `anv_e2e${"0123456789abcdef".repeat(3)}`,
} as const;
