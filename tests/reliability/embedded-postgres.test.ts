import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import { afterAll, describe, expect, it } from "vitest";
import { ensureEmbeddedPostgres } from "@/server/db/embedded";

/** The embedded server after `kill -9` of the app: adopted if alive, stale lock set aside if not. */
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "anvil-embedded-"));
fs.chmodSync(dataDir, 0o755); // as root, the postgres user must be able to enter it
const pidFile = path.join(dataDir, "postgres", "postmaster.pid");

afterAll(() => {
  if (fs.existsSync(pidFile)) process.kill(Number(fs.readFileSync(pidFile, "utf8").split("\n")[0]), "SIGINT");
});

async function query(url: string, text: string) {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try { return await sql.unsafe(text); } finally { await sql.end(); }
}

describe("embedded PostgreSQL", () => {
  it("survives kill -9 of the app: the next start adopts the running server and loses nothing", async () => {
    // A separate "app" process starts the server and writes a row, then is killed with SIGKILL.
    const script = `import { ensureEmbeddedPostgres } from "./server/db/embedded.ts"; import postgres from "postgres";
      const url = await ensureEmbeddedPostgres(${JSON.stringify(dataDir)});
      const sql = postgres(url); await sql\`create table t (v int)\`; await sql\`insert into t values (42)\`; console.log("ready"); setInterval(() => {}, 1000);`;
    const app = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { stdio: ["ignore", "pipe", "inherit"] });
    await new Promise<void>((resolve, reject) => {
      app.stdout!.on("data", (d) => { if (String(d).includes("ready")) resolve(); });
      app.once("exit", (code) => reject(new Error(`app exited early (${code})`)));
    });
    app.kill("SIGKILL");
    const started = Date.now();
    const url = await ensureEmbeddedPostgres(dataDir);
    const restartMs = Date.now() - started;
    expect(await query(url, "select v from t")).toEqual([{ v: 42 }]);
    expect(restartMs).toBeLessThan(5000);
  });

  it("sets aside a stale postmaster.pid whose process is gone, and starts on the same data", async () => {
    const pid = Number(fs.readFileSync(pidFile, "utf8").split("\n")[0]);
    const lock = fs.readFileSync(pidFile, "utf8");
    process.kill(pid, "SIGKILL"); // the server dies without cleaning up (power loss)
    await new Promise((r) => { const i = setInterval(() => { try { process.kill(pid, 0); } catch { clearInterval(i); r(null); } }, 20); });
    fs.writeFileSync(pidFile, lock.replace(/^\d+/, "999999")); // a pid nobody has
    const url = await ensureEmbeddedPostgres(dataDir);
    expect(await query(url, "select v from t")).toEqual([{ v: 42 }]);
    expect(fs.readdirSync(path.join(dataDir, "postgres")).some((f) => f.startsWith("postmaster.pid.stale-"))).toBe(true);
  });
});
