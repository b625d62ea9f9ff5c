import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig, devices } from "@playwright/test";

const root = path.dirname(fileURLToPath(import.meta.url));
const PORT = 3100;
const BASE_URL = `http://127.0.0.1:${PORT}`;

// A fresh data directory (so a fresh embedded PostgreSQL) per `playwright test` run, so the
// first spec always meets the setup page. Worker processes re-evaluate this file but inherit
// the runner's environment, so `??=` keeps every process on the same directory.
// Under the system temp dir: as root (CI) the embedded server runs as `postgres`, which must reach it.
process.env.E2E_DATA_DIR ??= path.join(os.tmpdir(), `anvil-e2e-${Date.now()}`);
const dataDir = process.env.E2E_DATA_DIR;

const serverEnv: Record<string, string> = {
  NEXT_TELEMETRY_DISABLED: "1",
  AUTH_TRUST_HOST: "true",
  ANVIL_DATA_DIR: dataDir,
  PORT: String(PORT),
  ANVIL_URL: BASE_URL,
  ANVIL_RUNNER_POLL_MS: "300",
};
if (process.env.DATABASE_URL) serverEnv.DATABASE_URL = process.env.DATABASE_URL;

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
    baseURL: BASE_URL,
    screenshot: "only-on-failure",
    trace: "retain-on-failure",
  },
  projects: [
    {
      name: "chromium",
      use: {
        ...devices["Desktop Chrome"],
        launchOptions: {
          executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
          args: [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-quic",
            "--no-first-run",
          ],
        },
      },
    },
  ],
  webServer: {
    command: `node_modules/.bin/next start -p ${PORT} -H 127.0.0.1`,
    url: `${BASE_URL}/api/health`,
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: "pipe",
    stderr: "pipe",
    env: serverEnv,
  },
});
