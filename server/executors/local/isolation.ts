/**
 * What a local job can reach. Submitted code is untrusted: it gets an allowlisted environment
 * and a workspace of its own, and
 * - `user`  (Anvil runs as root): the job runs under a uid of its own, from systemd's range for
 *           dynamic users, so it can read neither the platform's files (kept 0600/0700) nor
 *           another job's workspace;
 * - `bwrap` (an ordinary user with bubblewrap installed): the job runs in a sandbox where the
 *           data directory and the app's .env files are empty, and other processes are invisible;
 * - `none`  (an ordinary user without bubblewrap): the job runs as that user and can read
 *           what that user can read — the README says so.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

export type IsolationMode = "user" | "bwrap" | "none";

/** systemd's range for dynamic users (DynamicUser=): free of real accounts on any distribution. */
export const JOB_UID_FIRST = 61184;
export const JOB_UID_COUNT = 65519 - 61184 + 1;

/** Variables a job may inherit from the app; everything else (credentials above all) stays out. */
const INHERITED = ["PATH", "LANG", "LANGUAGE", "LC_ALL", "LC_CTYPE", "LC_MESSAGES", "TZ", "TERM", "CUDA_VISIBLE_DEVICES", "NVIDIA_VISIBLE_DEVICES"];

export function detectIsolation(): IsolationMode {
  if (process.getuid?.() === 0) return "user";
  return bwrapWorks() ? "bwrap" : "none";
}

function bwrapWorks(): boolean {
  const probe = spawnSync("bwrap", ["--dev-bind", "/", "/", "--unshare-pid", "--proc", "/proc", "true"], { stdio: "ignore", timeout: 5_000 });
  return probe.status === 0;
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

/** How the supervisor starts `command` under the given isolation. */
export function launchPlan(opts: { mode: IsolationMode; command: string; cwd: string; env: Record<string, string>; workspace: string; uid?: number; hidden: string[] }): LaunchPlan {
  const shell = ["/bin/sh", "-c", opts.command];
  if (opts.mode === "bwrap") {
    const masks: string[] = [];
    for (const hidden of opts.hidden) {
      if (!fs.existsSync(hidden)) continue;
      masks.push(...(fs.statSync(hidden).isDirectory() ? ["--tmpfs", hidden] : ["--ro-bind", "/dev/null", hidden]));
    }
    // The workspace may live under a hidden directory: bind it back after the masks.
    const args = ["--dev-bind", "/", "/", ...masks, "--bind", opts.workspace, opts.workspace, "--unshare-pid", "--proc", "/proc", "--chdir", opts.cwd, "--", ...shell];
    return { file: "bwrap", args, cwd: "/", env: opts.env };
  }
  const ids = opts.mode === "user" && opts.uid !== undefined ? { uid: opts.uid, gid: opts.uid } : {};
  return { file: shell[0], args: shell.slice(1), cwd: opts.cwd, env: opts.env, ...ids };
}

/** The app's secret-bearing files a sandbox must hide: its data directory and any .env files. */
export function hiddenPaths(dataDir: string, appDir: string): string[] {
  const envFiles = fs.existsSync(appDir) ? fs.readdirSync(appDir).filter((f) => f.startsWith(".env")).map((f) => path.join(appDir, f)) : [];
  return [path.resolve(dataDir), ...envFiles];
}

/**
 * A uid no other live job holds, taken with an exclusive mkdir so two processes sharing the
 * runs directory never hand out the same one. The supervisor gives it back when the job ends.
 */
export function allocateJobUid(locksDir: string, remoteId: string): number {
  fs.mkdirSync(locksDir, { recursive: true, mode: 0o700 });
  let start = 0;
  for (const ch of remoteId) start = (start * 31 + ch.charCodeAt(0)) % JOB_UID_COUNT;
  for (let i = 0; i < JOB_UID_COUNT; i++) {
    const uid = JOB_UID_FIRST + ((start + i) % JOB_UID_COUNT);
    try {
      fs.mkdirSync(path.join(locksDir, String(uid)));
      fs.writeFileSync(path.join(locksDir, String(uid), "owner"), remoteId);
      return uid;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
  }
  throw new Error(`no free job uid in ${JOB_UID_FIRST}–${JOB_UID_FIRST + JOB_UID_COUNT - 1}`);
}
