/** The files a supervisor keeps in its run directory (see supervisor.mjs), and how to read them. */
import { createHash, randomUUID } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readlinkSync, writeFileSync } from "node:fs";
import fs from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

export interface PidFile {
  pid: number;
  pgid: number;
  childPid: number | null;
  /** The job's own process group (the child leads it); absent in files of older supervisors. */
  jobPgid?: number | null;
  startTime: string;
  startedAt: string;
}

export interface ExitFile {
  code: number | null;
  signal: string | null;
  finishedAt: string;
  error?: string;
  /** Nothing ran: the supervisor never received its launch plan. */
  lost?: boolean;
}



/**
 * A plain-Node file of this folder the supervisor runs or loads. Inside a Next.js bundle
 * `import.meta.url` points into .next, where each such file is copied as an asset under a hashed
 * name (or is not a file URL at all), so fall back to the source tree deployments ship alongside.
 */
function localFile(bundled: () => URL, name: string): string {
  try {
    const file = fileURLToPath(bundled());
    if (existsSync(file)) return file;
  } catch {
    // Not a file: URL; use the fallback.
  }
  return path.join(process.cwd(), "server/executors/local", name);
}

// Each `new URL("./x", import.meta.url)` is spelled out: that is what makes the bundler copy x.
export const supervisorPath = () => localFile(() => new URL("./supervisor.mjs", import.meta.url), "supervisor.mjs");
/** The system-metrics sampler, handed to the supervisor by path (it cannot import it by name). */
export const systemMetricsModulePath = () => localFile(() => new URL("./system-metrics.mjs", import.meta.url), "system-metrics.mjs");

export async function readJson<T>(file: string): Promise<T | null> {
  try {
    return JSON.parse(await fs.readFile(file, "utf8")) as T;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw err;
  }
}

export async function mtimeMs(file: string): Promise<number | null> {
  try {
    return (await fs.stat(file)).mtimeMs;
  } catch {
    return null;
  }
}

/**
 * True when the recorded supervisor is still the process it was: a reused pid has a different
 * start time. Zombies count as gone (their parent, possibly this app, has not reaped them yet).
 */
export async function supervisorAlive(pidFile: PidFile): Promise<boolean> {
  return supervisorAliveSync(pidFile);
}

/** supervisorAlive, for start-up code that runs before anything is awaited (one small read). */
export function supervisorAliveSync(pidFile: PidFile): boolean {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pidFile.pid}/stat`, "utf8");
  } catch {
    return false;
  }
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return fields[0] !== "Z" && fields[19] === pidFile.startTime;
}

export function signalGroup(pidFile: PidFile, signal: NodeJS.Signals): void {
  const group = pidFile.jobPgid ?? (pidFile.pgid === pidFile.pid ? pidFile.pgid : null);
  if (!group) return;
  try {
    process.kill(-group, signal);
  } catch {
    // ESRCH: the group is already gone, which is what we wanted.
  }
}

/** Length of `buf` without a trailing, incomplete UTF-8 sequence. */
export function utf8Boundary(buf: Buffer): number {
  for (let i = buf.length - 1; i >= Math.max(0, buf.length - 4); i--) {
    const byte = buf[i];
    if ((byte & 0xc0) === 0x80) continue; // continuation byte: keep looking for the lead
    const need = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return i + need > buf.length ? i : buf.length;
  }
  return buf.length;
}

export function describeExit(exit: ExitFile): string {
  if (exit.error) return exit.error;
  if (exit.signal) return `killed by ${exit.signal}`;
  return `exited with code ${exit.code}`;
}

/**
 * Where a local job can be observed from: this data directory, on this boot of this host, in
 * this process namespace (a container sharing the data directory cannot see our processes).
 */
export function hostIdentity(): string {
  const read = (f: string) => { try { return readFileSync(f, "utf8").trim(); } catch { return ""; } };
  let pidNamespace = "";
  try {
    pidNamespace = readlinkSync("/proc/self/ns/pid");
  } catch {
    // no /proc (macOS): the boot id alone
  }
  return createHash("sha256").update(`${read("/proc/sys/kernel/random/boot_id")}|${pidNamespace}`).digest("hex").slice(0, 12);
}

/** Identifies a data directory: the first half of a local placement. */
export function instanceId(runsDir: string): string {
  const file = path.join(runsDir, "instance-id");
  mkdirSync(runsDir, { recursive: true, mode: 0o700 });
  try {
    writeFileSync(file, randomUUID(), { flag: "wx", mode: 0o600 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
  }
  return readFileSync(file, "utf8").trim();
}
