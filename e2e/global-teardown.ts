import os from "node:os";
import fs from "node:fs";
import path from "node:path";

/**
 * `next start` is killed by Playwright at the end of the run, so its own exit hook never stops
 * the embedded PostgreSQL it started. Stop it here: SIGINT (fast shutdown) to the postmaster
 * recorded in <dataDir>/postgres/postmaster.pid, then wait for it to be gone.
 */
export default async function globalTeardown(): Promise<void> {
  for (const dataDir of [process.env.E2E_DATA_DIR, process.env.E2E_FRESH_DATA_DIR]) {
    if (!dataDir) continue;
    await stopPostgres(dataDir);
    // The run's throwaway data (~65 MB each); KEEP_E2E_DATA=1 keeps it for debugging.
    if (dataDir.startsWith(os.tmpdir()) && !process.env.KEEP_E2E_DATA) fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

async function stopPostgres(dataDir: string): Promise<void> {
  const pidFile = path.join(dataDir, "postgres", "postmaster.pid");
  let pid: number;
  try {
    pid = Number(fs.readFileSync(pidFile, "utf8").split("\n")[0]);
  } catch {
    return; // DATABASE_URL was set, or the server never started / already stopped cleanly
  }
  if (!Number.isInteger(pid) || pid <= 0 || !isPostgres(pid)) return;
  try {
    process.kill(pid, "SIGINT");
  } catch {
    return; // already gone
  }
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  console.warn(`[e2e teardown] PostgreSQL pid ${pid} (${dataDir}) still running after 10 s`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
  // A zombie (exited, not yet reaped by its parent) still answers signal 0.
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return true; // no /proc (macOS): trust the signal probe
  }
}

/** Guards against pid reuse: only signal a process that is really a PostgreSQL server. */
function isPostgres(pid: number): boolean {
  if (!isAlive(pid)) return false;
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("postgres");
  } catch {
    return true;
  }
}
