import { createHash, randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import { JOB_UID_LOCKS, liveUids, releaseJobUid } from "./isolation";
import { supervisorAliveSync, type PidFile } from "./run-files";

/**
 * A job's working directory: empty but for `examples/` (the templates' code), owned by the
 * job's uid when it has one and removed by the supervisor when the job ends (like a pod's
 * emptyDir: what should outlive the job is uploaded as an artifact).
 */
/** The workspace, and the directory its `examples` link points into (a sandbox must show it). */
export async function prepareWorkspace(opts: { workspacesDir: string; remoteId: string; appDir: string; uid?: number; shareExamples: boolean }): Promise<{ workspace: string; examplesRoot: string | null }> {
  await fs.mkdir(opts.workspacesDir, { recursive: true, mode: 0o711 });
  const workspace = path.join(opts.workspacesDir, opts.remoteId);
  await fs.rm(workspace, { recursive: true, force: true }); // leftovers of a submit that died half-way
  await fs.mkdir(workspace, { mode: 0o700 });
  let examplesRoot: string | null = null;
  if (existsSync(path.join(opts.appDir, "examples"))) {
    // A job under its own uid may not be able to enter the app's directory (a checkout under
    // /root): it reads a world-readable copy instead.
    examplesRoot = opts.shareExamples ? await sharedCopy(opts.appDir, opts.workspacesDir) : opts.appDir;
    await fs.symlink(path.join(examplesRoot, "examples"), path.join(workspace, "examples"));
  }
  if (opts.uid !== undefined) await fs.chown(workspace, opts.uid, opts.uid);
  return { workspace, examplesRoot };
}

/**
 * At start-up: take back what jobs of this installation left behind when their supervisor could
 * not clean up (killed, out of memory, a reboot emptied /run). A job has ended when its
 * supervisor is gone; once no process of its uid is left, its workspace goes and its uid is free.
 * Workspaces no lock accounts for (after a reboot) go too, or the next job given their old uid
 * could read them. Problems are reported, never thrown: a stuck mount must not stop all jobs.
 */
export function reclaimJobUids(runsDir: string, workspacesDir: string, report: (problem: string, err: unknown) => void, locksDir = JOB_UID_LOCKS): void {
  const live = liveUids();
  const ended = (remoteId: string) => {
    const dir = path.join(runsDir, remoteId);
    if (existsSync(path.join(dir, "exit.json"))) return true;
    try {
      const pidFile = JSON.parse(readFileSync(path.join(dir, "pid.json"), "utf8")) as PidFile;
      return !supervisorAliveSync(pidFile);
    } catch {
      return !existsSync(dir);
    }
  };
  const locked = new Set<string>();
  for (const name of existsSync(locksDir) ? readdirSync(locksDir) : []) {
    try {
      const uid = Number(name);
      const owner = readFileSync(path.join(locksDir, name, "owner"), "utf8").trim();
      locked.add(owner);
      // Another installation's job, or one still running: not ours to take back.
      if (!/^[A-Za-z0-9._-]+$/.test(owner) || !existsSync(path.join(runsDir, owner)) || live.has(uid) || !ended(owner)) continue;
      rmSync(path.join(workspacesDir, owner), { recursive: true, force: true });
      releaseJobUid(uid, owner, locksDir);
      locked.delete(owner);
    } catch (err) {
      report(`cannot reclaim job uid ${name}`, err);
    }
  }
  for (const name of existsSync(workspacesDir) ? readdirSync(workspacesDir) : []) {
    if (name.startsWith(".") || locked.has(name)) continue;
    try {
      const owner = statSync(path.join(workspacesDir, name)).uid;
      if (!live.has(owner) && ended(name)) rmSync(path.join(workspacesDir, name), { recursive: true, force: true });
    } catch (err) {
      report(`cannot remove the workspace ${name}`, err);
    }
  }
}

/** What the examples need, laid out as in the app (they import `../../sdk/node`). */
const SHARED = ["examples", "sdk/node"];

/** `<workspacesDir>/.share-<content hash>`, made once per version of the shared files. */
async function sharedCopy(appDir: string, workspacesDir: string): Promise<string> {
  const sources = SHARED.map((rel) => path.join(appDir, rel)).filter((p) => existsSync(p));
  const target = path.join(workspacesDir, `.share-${treeStamp(sources)}`);
  if (existsSync(target)) return target;
  const tmp = `${target}.tmp-${randomUUID()}`;
  for (const rel of SHARED) {
    if (existsSync(path.join(appDir, rel))) await fs.cp(path.join(appDir, rel), path.join(tmp, rel), { recursive: true, dereference: true });
  }
  await makeWorldReadable(tmp);
  try {
    await fs.rename(tmp, target);
  } catch {
    await fs.rm(tmp, { recursive: true, force: true }); // another process made it first
  }
  return target;
}

function treeStamp(dirs: string[]): string {
  const hash = createHash("sha256");
  const walk = (d: string, dir: string) => {
    for (const name of readdirSync(d).sort()) {
      const full = path.join(d, name);
      const st = statSync(full);
      hash.update(`${path.relative(dir, full)}:${st.size}:${st.mtimeMs}\n`);
      if (st.isDirectory()) walk(full, dir);
    }
  };
  for (const dir of dirs) walk(dir, path.dirname(dir));
  return hash.digest("hex").slice(0, 16);
}

async function makeWorldReadable(dir: string): Promise<void> {
  await fs.chmod(dir, 0o755);
  for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) await makeWorldReadable(full);
    else await fs.chmod(full, (await fs.stat(full)).mode | 0o444);
  }
}
