import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import { ensureEmbeddedPostgres } from "@/server/db/embedded";
import { migrateDatabase } from "@/server/db/migrate";

export const BENCH_KEY = `anv_bench_${"k".repeat(40)}`;

export interface Stack { url: string; dbUrl: string; sql: postgres.Sql; orgId: string; port: number; appPid: number; stop(): Promise<void> }

/**
 * A fresh embedded PostgreSQL and the production build of the app on top of it, initialised
 * headlessly with an organization and an API key — the figures come from what users run.
 */
export async function startStack(port = 3199): Promise<Stack> {
  const root = process.cwd();
  if (!fs.existsSync(path.join(root, ".next", "BUILD_ID"))) throw new Error("no production build: run `npx next build` first (npm run bench does)");
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "anvil-bench-"));
  fs.chmodSync(dataDir, 0o755);
  const url = await ensureEmbeddedPostgres(dataDir);
  await migrateDatabase(url, path.join(root, "drizzle"));
  const app: ChildProcess = spawn(process.execPath, [path.join(root, "node_modules", "next", "dist", "bin", "next"), "start", "-p", String(port)], {
    cwd: root, stdio: ["ignore", "ignore", "inherit"],
    env: {
      ...process.env, NODE_ENV: "production", DATABASE_URL: url, ANVIL_DATA_DIR: dataDir, ANVIL_RUNNER: "off", ANVIL_LOG_LEVEL: "warn",
      AUTH_SECRET: "bench-secret-bench-secret-bench", ANVIL_INIT_ORG: "Bench", ANVIL_INIT_ADMIN_EMAIL: "bench@example.com",
      ANVIL_INIT_ADMIN_PASSWORD: "bench-password-1", ANVIL_INIT_API_KEY: BENCH_KEY, NEXT_TELEMETRY_DISABLED: "1",
    },
  });
  const deadline = Date.now() + 60_000;
  for (;;) {
    const ok = await fetch(`http://127.0.0.1:${port}/api/v1/runs`, { method: "POST", headers: { authorization: `Bearer ${BENCH_KEY}`, "content-type": "application/json" }, body: JSON.stringify({ project: "warmup" }) })
      .then((r) => r.status === 201).catch(() => false);
    if (ok) break;
    if (Date.now() > deadline) throw new Error("the app did not come up within 60 s");
    await new Promise((r) => setTimeout(r, 300));
  }
  const sql = postgres(url, { max: 20, onnotice: () => {} });
  const [org] = await sql<{ id: string }[]>`select id from organizations where slug = 'bench'`;
  return {
    url: `http://127.0.0.1:${port}`, dbUrl: url, sql, orgId: org.id, port, appPid: app.pid!,
    async stop() {
      app.kill("SIGTERM");
      await new Promise((r) => app.once("exit", r));
      const [{ data_directory: pgDir }] = await sql<{ data_directory: string }[]>`show data_directory`;
      await sql.end();
      // Fast shutdown of the bench's own cluster (SIGINT to the postmaster), then its files go.
      const pid = Number(fs.readFileSync(path.join(pgDir, "postmaster.pid"), "utf8").split("\n")[0]);
      process.kill(pid, "SIGINT");
      for (let i = 0; i < 100 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 100));
      fs.rmSync(dataDir, { recursive: true, force: true });
      fs.rmSync(pgDir, { recursive: true, force: true });
    },
  };
}

function isAlive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch { return false; }
}
