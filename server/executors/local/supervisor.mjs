// Supervisor for one local job. Started detached by local-executor.ts as
// `node supervisor.mjs <runDir>`, with the launch plan on stdin, so it leads its own process
// group and outlives the app. Plain Node ESM without dependencies: it runs from the source tree,
// outside any bundle.
//
// stdin: {plan: {file, args, cwd, env, uid?, gid?}, systemMetrics?: {url, token, everyMs, module}}
//   The plan carries the job's credentials, so it is never written to disk. With systemMetrics,
//   the job's CPU, memory and GPU use are sent to the app while it runs (system-metrics.mjs).
// Files in <runDir> (0700, owned by the app's user):
//   spec.json       {command, cwd?, workspace, uid?, uidLock?} no credentials; written by the executor
//   output.log      stdout + stderr of the job            appended by the job through its own fds
//   pid.json        {pid, pgid, childPid, jobPgid, startTime, startedAt}
//   stop-requested  marker written by the executor's stop()
//   exit.json       {code, signal, finishedAt, error?, lost?} written atomically, before clean-up
//
// The job runs in a process group of its own (jobPgid), so stopping it never signals us: we
// stay to record how it ended and to clean up after it.

import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const runDir = process.argv[2];
if (!runDir) {
  process.stderr.write("usage: node supervisor.mjs <runDir> < plan.json\n");
  process.exit(2);
}
const file = (name) => path.join(runDir, name);

// Stray signals (a terminal's SIGHUP, an operator's SIGTERM) must not stop us from recording
// the job's end and cleaning up after it.
for (const sig of ["SIGTERM", "SIGINT", "SIGHUP"]) process.on(sig, () => {});

/** Fields of /proc/self/stat after the parenthesised command name, which may contain spaces. */
function selfStatFields() {
  const stat = fs.readFileSync("/proc/self/stat", "utf8");
  return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
}

function writeAtomic(name, value) {
  const tmp = file(`${name}.tmp`);
  const fd = fs.openSync(tmp, "w", 0o600);
  try {
    fs.writeSync(fd, JSON.stringify(value));
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file(name));
}

/** Live (non-zombie) processes running as `uid`, read from /proc. */
function processesOf(uid) {
  const pids = [];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const status = fs.readFileSync(`/proc/${entry}/status`, "utf8");
      if (Number(/^Uid:\s+(\d+)/m.exec(status)?.[1]) === uid && !/^State:\s+Z/m.test(status)) pids.push(Number(entry));
    } catch {
      // exited while we looked
    }
  }
  return pids;
}

const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/**
 * Kills everything still running as `uid` until a scan finds nothing. Sound: only a process of
 * that uid can start another one, and the uid stays locked, so once none is left none comes back.
 * Up to a minute: some processes take seconds to die after SIGKILL (a GPU context, a huge heap).
 */
function killAll(uid) {
  for (const deadline = Date.now() + 60_000; Date.now() < deadline; sleep(50)) {
    const left = processesOf(uid);
    if (left.length === 0) return true;
    for (const pid of left) {
      try { process.kill(pid, "SIGKILL"); } catch { /* gone */ }
    }
  }
  return false;
}

/**
 * After the job: nothing of it may outlive it, so its uid and workspace can be handed out again.
 * Files are removed only once no process of the job's uid is left, so nothing can swap a path
 * for a symlink while we delete (and rm never follows symlinks).
 */
function cleanUp(spec) {
  if (!spec?.workspace) return;
  if (typeof spec.uid !== "number") {
    fs.rmSync(spec.workspace, { recursive: true, force: true });
    return;
  }
  // Something of the job survived: keep its uid taken and its workspace, rather than hand
  // either to the next job.
  if (!killAll(spec.uid)) return;
  fs.rmSync(spec.workspace, { recursive: true, force: true });
  for (const dir of ["/tmp", "/var/tmp", "/dev/shm"]) {
    let names = [];
    try { names = fs.readdirSync(dir); } catch { /* absent */ }
    for (const name of names) {
      const full = path.join(dir, name);
      try {
        if (fs.lstatSync(full).uid === spec.uid) fs.rmSync(full, { recursive: true, force: true });
      } catch { /* gone */ }
    }
  }
  // Only our own lock: after a reboot or a reclaim the uid may belong to another job by now.
  if (spec.uidLock && readOwner(spec.uidLock) === path.basename(runDir)) fs.rmSync(spec.uidLock, { recursive: true, force: true });
}

function readOwner(lock) {
  try {
    return fs.readFileSync(path.join(lock, "owner"), "utf8").trim();
  } catch {
    return null;
  }
}

let finished = false;
function finish(result) {
  if (finished) return;
  finished = true;
  if (result.error) {
    try {
      fs.appendFileSync(file("output.log"), `\n[anvil] ${result.error}\n`);
    } catch {
      // The log is best effort; exit.json below is what the executor relies on.
    }
  }
  writeAtomic("exit.json", { code: result.code ?? null, signal: result.signal ?? null, finishedAt: new Date().toISOString(), ...result });
  try {
    cleanUp(readSpec());
  } catch (err) {
    process.stderr.write(`clean-up failed: ${err instanceof Error ? err.message : String(err)}\n`);
  }
  process.exit(0);
}

/** What to clean up after the job (no credentials): written by the executor before we start. */
function readSpec() {
  try {
    return JSON.parse(fs.readFileSync(file("spec.json"), "utf8"));
  } catch {
    return null;
  }
}

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return Buffer.concat(chunks).toString("utf8");
}

async function main() {
  // pgid: field 5 of stat is field index 2 after the name; startTime: field 22 ⇒ index 19.
  const fields = selfStatFields();
  const pgid = Number(fields[2]);
  const startTime = fields[19];
  const pidInfo = (childPid) => ({ pid: process.pid, pgid, childPid, jobPgid: childPid, startTime, startedAt: new Date().toISOString() });

  let launch;
  try {
    launch = JSON.parse(await readStdin());
  } catch {
    // The app died before handing over the plan: nothing ran, so the attempt counts as lost.
    writeAtomic("pid.json", pidInfo(null));
    finish({ code: null, lost: true, error: "the launch plan never arrived (the app stopped while starting the job)" });
    return;
  }
  // stop() may have been called before we got this far; don't start what was already stopped.
  if (fs.existsSync(file("stop-requested"))) {
    writeAtomic("pid.json", pidInfo(null));
    finish({ code: null, error: "stopped before start" });
    return;
  }

  const { plan } = launch;
  const logFd = fs.openSync(file("output.log"), "a", 0o600);
  // The child leads a process group of its own: one group signal reaches the job and everything
  // it forks, and never us. Its stdout/stderr are the log file itself, so output keeps flowing
  // even if we die, and both streams interleave in write order. A job under its own uid writes
  // through these descriptors without being able to open anything in the run directory.
  const child = spawn(plan.file, plan.args, {
    cwd: plan.cwd,
    env: plan.env,
    detached: true,
    stdio: ["ignore", logFd, logFd],
    ...(typeof plan.uid === "number" ? { uid: plan.uid, gid: plan.gid } : {}),
  });
  fs.closeSync(logFd);

  child.on("error", (err) => {
    const where = fs.existsSync(plan.cwd) ? "" : ` (working directory ${plan.cwd} does not exist)`;
    finish({ code: 127, error: `failed to start: ${err.message}${where}` });
  });
  child.on("exit", (code, signal) => finish({ code, signal }));

  writeAtomic("pid.json", pidInfo(child.pid ?? null));
  if (launch.systemMetrics && child.pid) {
    // Loaded by path: bundles copy it under a name of its own. Without it the job runs anyway.
    import(pathToFileURL(launch.systemMetrics.module).href)
      .then((m) => m.startSystemMetrics(launch.systemMetrics, { pid: child.pid, uid: plan.uid }))
      .catch((err) => process.stderr.write(`system metrics off: ${err instanceof Error ? err.message : String(err)}\n`));
  }
}

main().catch((err) => finish({ code: 127, error: `supervisor error: ${err instanceof Error ? err.message : String(err)}` }));
