// Supervisor for one local job. Started detached by local-executor.ts as
// `node supervisor.mjs <runDir>`, with the launch plan on stdin, so it leads its own process
// group and outlives the app. Plain Node ESM without dependencies: it runs from the source tree,
// outside any bundle.
//
// stdin: {plan: {file, args, cwd, env, uid?, gid?}, workspace, uidLock?, killUid?}
//   The plan carries the job's credentials, so it is never written to disk.
// Files in <runDir> (0700, owned by the app's user):
//   spec.json       {command, cwd?} without credentials  written by the executor before we start
//   output.log      stdout + stderr of the job            appended by the job through its own fds
//   pid.json        {pid, pgid, childPid, startTime, startedAt}
//   stop-requested  marker written by the executor's stop()
//   exit.json       {code, signal, finishedAt, error?, lost?} written atomically, before clean-up

import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const runDir = process.argv[2];
if (!runDir) {
  process.stderr.write("usage: node supervisor.mjs <runDir> < plan.json\n");
  process.exit(2);
}
const file = (name) => path.join(runDir, name);

// The executor stops a job by signalling the whole process group, us included; we must survive
// it to record how the job ended. A JS handler (unlike SIG_IGN) is reset to default on exec, so
// the job still receives these signals normally.
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

/** Processes still running under the job's own uid (daemons it left behind). */
function processesOf(uid) {
  const pids = [];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const status = fs.readFileSync(`/proc/${entry}/status`, "utf8");
      const real = /^Uid:\s+(\d+)/m.exec(status)?.[1];
      if (Number(real) === uid) pids.push(Number(entry));
    } catch {
      // exited while we looked
    }
  }
  return pids;
}

/** After the job: nothing of it may outlive it, so its uid and workspace can be handed out again. */
function cleanUp(launch) {
  if (!launch) return;
  if (typeof launch.killUid === "number") {
    for (let round = 0; round < 5; round++) {
      const left = processesOf(launch.killUid);
      if (left.length === 0) break;
      for (const pid of left) {
        try { process.kill(pid, "SIGKILL"); } catch { /* gone */ }
      }
    }
  }
  if (launch.workspace) fs.rmSync(launch.workspace, { recursive: true, force: true });
  if (launch.uidLock) fs.rmSync(launch.uidLock, { recursive: true, force: true });
}

let finished = false;
function finish(launch, result) {
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
    cleanUp(launch);
  } catch (err) {
    process.stderr.write(`clean-up failed: ${err instanceof Error ? err.message : String(err)}\n`);
  }
  process.exit(0);
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
  const pidInfo = (childPid) => ({ pid: process.pid, pgid, childPid, startTime, startedAt: new Date().toISOString() });

  let launch;
  try {
    launch = JSON.parse(await readStdin());
  } catch {
    // The app died before handing over the plan: nothing ran, so the attempt counts as lost.
    writeAtomic("pid.json", pidInfo(null));
    finish(undefined, { code: null, lost: true, error: "the launch plan never arrived (the app stopped while starting the job)" });
    return;
  }
  // stop() may have been called before we got this far; don't start what was already stopped.
  if (fs.existsSync(file("stop-requested"))) {
    writeAtomic("pid.json", pidInfo(null));
    finish(launch, { code: null, error: "stopped before start" });
    return;
  }

  const { plan } = launch;
  const logFd = fs.openSync(file("output.log"), "a", 0o600);
  // The child is not detached: it stays in our group so one group signal reaches the job and
  // everything it forks. Its stdout/stderr are the log file itself, so output keeps flowing even
  // if we die, and both streams interleave in write order. A job under its own uid writes through
  // these descriptors without being able to open anything in the run directory.
  const child = spawn(plan.file, plan.args, {
    cwd: plan.cwd,
    env: plan.env,
    stdio: ["ignore", logFd, logFd],
    ...(typeof plan.uid === "number" ? { uid: plan.uid, gid: plan.gid } : {}),
  });
  fs.closeSync(logFd);

  child.on("error", (err) => {
    const where = fs.existsSync(plan.cwd) ? "" : ` (working directory ${plan.cwd} does not exist)`;
    finish(launch, { code: 127, error: `failed to start: ${err.message}${where}` });
  });
  child.on("exit", (code, signal) => finish(launch, { code, signal }));

  writeAtomic("pid.json", pidInfo(child.pid ?? null));
}

main().catch((err) => finish(undefined, { code: 127, error: `supervisor error: ${err instanceof Error ? err.message : String(err)}` }));
