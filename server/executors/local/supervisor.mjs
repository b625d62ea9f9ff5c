// Supervisor for one local job. Started detached by local-executor.ts as
// `node supervisor.mjs <runDir>`, so it leads its own process group and outlives the app.
// Plain Node ESM without dependencies: it runs from the source tree, outside any bundle.
//
// Files in <runDir>:
//   spec.json       {command, cwd?, env?}             written by the executor before we start
//   output.log      stdout + stderr of the job         appended by the job through its own fds
//   pid.json        {pid, pgid, childPid, startTime, startedAt}
//   stop-requested  marker written by the executor's stop()
//   exit.json       {code, signal, finishedAt, error?} written atomically, last

import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

const runDir = process.argv[2];
if (!runDir) {
  process.stderr.write("usage: node supervisor.mjs <runDir>\n");
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
  const fd = fs.openSync(tmp, "w");
  try {
    fs.writeSync(fd, JSON.stringify(value));
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file(name));
}

let finished = false;
function finish(code, signal, error) {
  if (finished) return;
  finished = true;
  if (error) {
    try {
      fs.appendFileSync(file("output.log"), `\n[anvil] ${error}\n`);
    } catch {
      // The log is best effort; exit.json below is what the executor relies on.
    }
  }
  writeAtomic("exit.json", {
    code,
    signal,
    finishedAt: new Date().toISOString(),
    ...(error ? { error } : {}),
  });
  process.exit(0);
}

function main() {
  // pgid: field 5 of stat is field index 2 after the name; startTime: field 22 ⇒ index 19.
  const fields = selfStatFields();
  const pgid = Number(fields[2]);
  const startTime = fields[19];

  // stop() may have been called before we got this far; don't start what was already stopped.
  if (fs.existsSync(file("stop-requested"))) {
    writeAtomic("pid.json", { pid: process.pid, pgid, childPid: null, startTime, startedAt: new Date().toISOString() });
    finish(null, null, "stopped before start");
    return;
  }

  const spec = JSON.parse(fs.readFileSync(file("spec.json"), "utf8"));
  const cwd = path.resolve(spec.cwd ?? ".");
  const logFd = fs.openSync(file("output.log"), "a");

  // The child is not detached: it stays in our group so one group signal reaches the job and
  // everything it forks. Its stdout/stderr are the log file itself, so output keeps flowing even
  // if we die, and both streams interleave in write order.
  const child = spawn("/bin/sh", ["-c", spec.command], {
    cwd,
    env: { ...process.env, ...(spec.env ?? {}) },
    stdio: ["ignore", logFd, logFd],
  });
  fs.closeSync(logFd);

  child.on("error", (err) => {
    const where = fs.existsSync(cwd) ? "" : ` (working directory ${cwd} does not exist)`;
    finish(127, null, `failed to start: ${err.message}${where}`);
  });
  child.on("exit", (code, signal) => finish(code, signal));

  writeAtomic("pid.json", {
    pid: process.pid,
    pgid,
    childPid: child.pid ?? null,
    startTime,
    startedAt: new Date().toISOString(),
  });
}

try {
  main();
} catch (err) {
  finish(127, null, `supervisor error: ${err instanceof Error ? err.message : String(err)}`);
}
