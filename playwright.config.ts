import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig, devices } from "@playwright/test";
import { E2E_INIT } from "./e2e/init-account";

const root = path.dirname(fileURLToPath(import.meta.url));
/**
 * Two servers, each on a fresh data directory (so a fresh embedded PostgreSQL) per run:
 * - "app" (3100) starts initialised headlessly from ANVIL_INIT_* — every spec but the first-run
 *   one signs in as that admin and makes the data it needs, so specs never depend on each other;
 * - "fresh" (3101) stays empty, for the spec that walks through the setup page.
 * Worker processes re-evaluate this file but inherit the runner's environment, so `??=` keeps
 * every process on the same directories. Under the system temp dir: as root (CI) the embedded
 * server runs as `postgres`, which must reach it.
 */
const APP_PORT = 3100;
const FRESH_PORT = 3101;
const stamp = Date.now();
process.env.E2E_DATA_DIR ??= path.join(os.tmpdir(), `anvil-e2e-${stamp}`);
process.env.E2E_FRESH_DATA_DIR ??= path.join(os.tmpdir(), `anvil-e2e-fresh-${stamp}`);
const appDataDir = process.env.E2E_DATA_DIR;
const freshDataDir = process.env.E2E_FRESH_DATA_DIR;

function serverEnv(port: number, dataDir: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    NEXT_TELEMETRY_DISABLED: "1", AUTH_TRUST_HOST: "true", ANVIL_DATA_DIR: dataDir, PORT: String(port),
    ANVIL_URL: `http://127.0.0.1:${port}`, ANVIL_RUNNER_POLL_MS: "300", ...extra,
  };
}

function server(port: number, env: Record<string, string>) {
  return {
    command: `node_modules/.bin/next start -p ${port} -H 127.0.0.1`,
    url: `http://127.0.0.1:${port}/api/health`,
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: "pipe" as const,
    stderr: "pipe" as const,
    env,
  };
}

export default defineConfig({
  testDir: "e2e",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 90_000,
  expect: { timeout: 20_000 },
  reporter: [["list"]],
  globalTeardown: "./e2e/global-teardown.ts",
  use: {
    screenshot: "only-on-failure",
    trace: "retain-on-failure",
  },
  projects: [
    { name: "first-run", testMatch: /01-first-run\.spec\.ts/, use: { ...chromium(), baseURL: `http://127.0.0.1:${FRESH_PORT}` } },
    { name: "app", testIgnore: /01-first-run\.spec\.ts/, use: { ...chromium(), baseURL: `http://127.0.0.1:${APP_PORT}` } },
  ],
  webServer: [
    server(APP_PORT, serverEnv(APP_PORT, appDataDir, {
      ANVIL_INIT_ORG: E2E_INIT.org, ANVIL_INIT_ADMIN_EMAIL: E2E_INIT.email, ANVIL_INIT_ADMIN_PASSWORD: E2E_INIT.password,
      ANVIL_INIT_ADMIN_NAME: E2E_INIT.name, ANVIL_INIT_API_KEY: E2E_INIT.apiKey,
    })),
    server(FRESH_PORT, serverEnv(FRESH_PORT, freshDataDir)),
  ],
});

function chromium() {
  return {
    ...devices["Desktop Chrome"],
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run"],
    },
  };
}
