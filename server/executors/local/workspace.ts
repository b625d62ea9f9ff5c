import { createHash, randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import { JOB_UID_LOCKS, liveUids, releaseJobUid } from "./isolation";

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
 * At start-up: give back the uids of this installation's jobs that ended while their supervisor
 * could not clean up (it was killed, or the launch plan never arrived) — once no process of
 * theirs is left, their workspace goes and their uid is free again.
 */
export function reclaimJobUids(runsDir: string, workspacesDir: string, locksDir = JOB_UID_LOCKS): void {
  if (!existsSync(locksDir)) return;
  const live = liveUids();
  for (const name of readdirSync(locksDir)) {
    const uid = Number(name);
    let owner: string;
    try {
      owner = readFileSync(path.join(locksDir, name, "owner"), "utf8").trim();
    } catch {
      continue;
    }
    // Another installation's job, or one still running or starting: not ours to take back.
    if (!/^[A-Za-z0-9._-]+$/.test(owner) || !existsSync(path.join(runsDir, owner)) || live.has(uid)) continue;
    if (!existsSync(path.join(runsDir, owner, "exit.json"))) continue;
    rmSync(path.join(workspacesDir, owner), { recursive: true, force: true });
    releaseJobUid(uid, locksDir);
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
