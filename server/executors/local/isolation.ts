/**
 * What a local job can reach. Submitted code is untrusted: it gets an allowlisted environment
 * and a workspace of its own, and
 * - `user`  (Anvil runs as root): the job runs under a uid of its own, so it can read neither
 *           the platform's files (kept 0600/0700) nor another job's workspace; with bubblewrap
 *           it also gets a read-only root, a private /tmp and its own process namespace (so
 *           nothing it starts outlives it);
 * - `bwrap` (an ordinary user with bubblewrap installed): the job runs in a sandbox with a
 *           read-only root where the data directory and the app's .env files are empty, a
 *           private /tmp, and other processes invisible;
 * - `none`  (an ordinary user without bubblewrap): the job runs as that user and can read
 *           what that user can read — the README says so.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

export type IsolationMode = "user" | "bwrap" | "none";

export interface UidRange { first: number; count: number }

/**
 * Where job uids come from: a block far above any account or systemd dynamic user
 * (1,600,000,000 + 65,536) when this user namespace maps it; otherwise (a container mapping only
 * 0–65535) the top of the 16-bit range, 60,000–65,519, skipping uids with a passwd entry or a
 * live process.
 */
export function jobUidRange(uidMap = readUidMap()): UidRange {
  const high = { first: 1_600_000_000, count: 65_536 };
  const mapped = (r: UidRange) => uidMap.some(([start, length]) => r.first >= start && r.first + r.count <= start + length);
  return mapped(high) ? high : { first: 60_000, count: 5_520 };
}

function readUidMap(): Array<[number, number]> {
  try {
    return fs.readFileSync("/proc/self/uid_map", "utf8").trim().split("\n").map((l) => {
      const [, start, length] = l.trim().split(/\s+/).map(Number);
      return [start, length];
    });
  } catch {
    return [[0, 65_536]];
  }
}

/** Variables a job may inherit from the app; everything else (credentials above all) stays out. */
const INHERITED = ["PATH", "LANG", "LANGUAGE", "LC_ALL", "LC_CTYPE", "LC_MESSAGES", "TZ", "TERM", "CUDA_VISIBLE_DEVICES", "NVIDIA_VISIBLE_DEVICES"];

export function detectIsolation(): { mode: IsolationMode; sandbox: boolean } {
  if (process.getuid?.() === 0) return { mode: "user", sandbox: bwrapWorks(65_534) };
  return bwrapWorks() ? { mode: "bwrap", sandbox: true } : { mode: "none", sandbox: false };
}

/** Whether bubblewrap can build our sandbox here (as `uid`, when Anvil is root). */
function bwrapWorks(uid?: number): boolean {
  const probe = spawnSync("bwrap", [...sandboxArgs("/", [], "/"), "true"], { stdio: "ignore", timeout: 5_000, ...(uid !== undefined ? { uid, gid: uid } : {}) });
  return probe.status === 0;
}

/**
 * bubblewrap's arguments: the host's root read-only, fresh /dev, /proc of a new process
 * namespace (other processes invisible; everything dies with the job), private /tmp, the
 * hidden paths emptied, and the workspace the one writable place.
 */
function sandboxArgs(workspace: string, hidden: string[], cwd: string, writable: string[] = [], readable: string[] = []): string[] {
  const masks: string[] = [];
  for (const p of hidden) {
    if (!fs.existsSync(p)) continue;
    masks.push(...(fs.statSync(p).isDirectory() ? ["--tmpfs", p] : ["--ro-bind", "/dev/null", p]));
  }
  // Order matters, later mounts cover earlier ones: what must be seen under the private /tmp
  // (examples, writable paths), then the masks over secrets, then the workspace on top of all.
  return [
    "--ro-bind", "/", "/", "--dev", "/dev", ...gpuDevices().flatMap((d) => ["--dev-bind-try", d, d]),
    "--proc", "/proc", "--tmpfs", "/tmp", "--tmpfs", "/var/tmp",
    ...readable.filter((p) => fs.existsSync(p)).flatMap((p) => ["--ro-bind", p, p]),
    ...writable.filter((p) => fs.existsSync(p)).flatMap((p) => ["--bind", p, p]),
    ...masks,
    "--bind", workspace, workspace, "--unshare-pid", "--unshare-ipc", "--die-with-parent", "--chdir", cwd, "--",
  ];
}

/** GPU device nodes (NVIDIA, DRM, AMD KFD): the sandbox's fresh /dev would otherwise lack them. */
function gpuDevices(): string[] {
  try {
    return fs.readdirSync("/dev").filter((d) => /^(nvidia.*|dri|kfd)$/.test(d)).map((d) => `/dev/${d}`);
  } catch {
    return [];
  }
}

/**
 * The job's environment: an allowlist of the app's variables (plus any named in
 * ANVIL_JOB_ENV_ALLOW), the job's own, and a home inside its workspace.
 */
export function jobEnvironment(source: NodeJS.ProcessEnv, workspace: string, own: Record<string, string>): Record<string, string> {
  const extra = (source.ANVIL_JOB_ENV_ALLOW ?? "").split(",").map((v) => v.trim()).filter(Boolean);
  const env: Record<string, string> = {};
  for (const key of [...INHERITED, ...extra]) {
    const value = source[key];
    if (value !== undefined) env[key] = value;
  }
  env.PATH ??= "/usr/local/bin:/usr/bin:/bin";
  return { ...env, HOME: workspace, TMPDIR: workspace, PYTHONUNBUFFERED: "1", ...own };
}

export interface LaunchPlan {
  file: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  uid?: number;
  gid?: number;
}

/** How the supervisor starts `command`: under the job's uid and/or in the sandbox. */
export function launchPlan(opts: { sandbox: boolean; command: string; cwd: string; env: Record<string, string>; workspace: string; uid?: number; hidden: string[]; writable?: string[]; readable?: string[] }): LaunchPlan {
  const shell = ["/bin/sh", "-c", opts.command];
  const ids = opts.uid !== undefined ? { uid: opts.uid, gid: opts.uid } : {};
  // The workspace may live under a hidden directory: the sandbox binds it back after the masks.
  if (opts.sandbox) return { file: "bwrap", args: [...sandboxArgs(opts.workspace, opts.hidden, opts.cwd, opts.writable, opts.readable), ...shell], cwd: "/", env: opts.env, ...ids };
  return { file: shell[0], args: shell.slice(1), cwd: opts.cwd, env: opts.env, ...ids };
}

/**
 * As root, jobs run as other users: the app's .env files (secrets, often 0644 in containers)
 * become readable by their owner only. Returns the files it changed.
 */
export function makeEnvFilesPrivate(appDir: string): string[] {
  const changed: string[] = [];
  for (const file of envFiles(appDir)) {
    const mode = fs.statSync(file).mode;
    if ((mode & 0o077) === 0) continue;
    fs.chmodSync(file, mode & 0o700);
    changed.push(file);
  }
  return changed;
}

function envFiles(appDir: string): string[] {
  return fs.existsSync(appDir) ? fs.readdirSync(appDir).filter((f) => f.startsWith(".env")).map((f) => path.join(appDir, f)).filter((f) => fs.statSync(f).isFile()) : [];
}

/** The app's secret-bearing files a sandbox must hide: its data directory and any .env files. */
export function hiddenPaths(dataDir: string, appDir: string): string[] {
  return [path.resolve(dataDir), ...envFiles(appDir)];
}

/** Host-wide, so two Anvil installations on one machine never hand out the same uid. */
export const JOB_UID_LOCKS = "/run/anvil/job-uids";

/**
 * A uid nobody else holds: no live process runs as it, no account has it, and an exclusive
 * mkdir in the host-wide lock directory takes it. The supervisor gives it back once nothing of
 * the job is left (see supervisor.mjs).
 */
export function allocateJobUid(remoteId: string, range = jobUidRange(), locksDir = JOB_UID_LOCKS): number {
  fs.mkdirSync(locksDir, { recursive: true, mode: 0o700 });
  const busy = new Set([...liveUids(), ...passwdUids()]);
  let start = 0;
  for (const ch of remoteId) start = (start * 31 + ch.charCodeAt(0)) % range.count;
  for (let i = 0; i < range.count; i++) {
    const uid = range.first + ((start + i) % range.count);
    if (busy.has(uid)) continue;
    try {
      fs.mkdirSync(path.join(locksDir, String(uid)));
      fs.writeFileSync(path.join(locksDir, String(uid), "owner"), remoteId);
      return uid;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
  }
  throw new Error(`no free job uid in ${range.first}–${range.first + range.count - 1}`);
}

export function jobUidLockPath(uid: number, locksDir = JOB_UID_LOCKS): string {
  return path.join(locksDir, String(uid));
}

/** Gives a uid back, if `owner` (the remote id) still holds it. */
export function releaseJobUid(uid: number, owner: string, locksDir = JOB_UID_LOCKS): void {
  const lock = jobUidLockPath(uid, locksDir);
  let holder: string | null = null;
  try {
    holder = fs.readFileSync(path.join(lock, "owner"), "utf8").trim();
  } catch {
    return;
  }
  if (holder === owner) fs.rmSync(lock, { recursive: true, force: true });
}

/** Uids of processes alive now, read from /proc (a zombie is dead: it only waits to be reaped). */
export function liveUids(): Set<number> {
  const uids = new Set<number>();
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const status = fs.readFileSync(`/proc/${entry}/status`, "utf8");
      const real = /^Uid:\s+(\d+)/m.exec(status)?.[1];
      if (real && !/^State:\s+Z/m.test(status)) uids.add(Number(real));
    } catch {
      // exited while we looked
    }
  }
  return uids;
}

function passwdUids(): number[] {
  try {
    return fs.readFileSync("/etc/passwd", "utf8").split("\n").map((l) => Number(l.split(":")[2])).filter(Number.isFinite);
  } catch {
    return [];
  }
}
