/**
 * The `local` executor: runs a job's shell command on this machine under a detached supervisor
 * (supervisor.mjs) so that the job survives a `kill -9` of the app and a later app process can
 * adopt it. All state lives in `${runsDir}/${remoteId}`; see supervisor.mjs for the file layout.
 * Why this shape: reference/jobs-reliability.md §4.4 "Local subprocess".
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import fs, { type FileHandle } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

import type { CallOptions, Executor, JobSpec, LogChunk, RemoteStatus } from "../types";
import { allocateJobUid, detectIsolation, hiddenPaths, jobEnvironment, launchPlan, type IsolationMode } from "./isolation";
import { prepareWorkspace } from "./workspace";

export interface LocalExecutorOptions {
  /** The supervisors' state (logs, pid and exit files); private to the app's user. */
  runsDir: string;
  /** Jobs' working directories; must be reachable by the job's user. Default: beside runsDir. */
  workspacesDir?: string;
  /** Hidden from sandboxed jobs, with the app's .env files. Default: the parent of runsDir. */
  dataDir?: string;
  /** Where `examples/` (the templates' code) comes from. Default: the working directory. */
  appDir?: string;
  isolation?: IsolationMode;
  /** Time between SIGTERM and SIGKILL of the job's process group on stop(). */
  stopGraceMs?: number;
}

interface PidFile {
  pid: number;
  pgid: number;
  childPid: number | null;
  startTime: string;
  startedAt: string;
}

interface ExitFile {
  code: number | null;
  signal: string | null;
  finishedAt: string;
  error?: string;
  /** Nothing ran: the supervisor never received its launch plan. */
  lost?: boolean;
}

const REMOTE_ID = /^[A-Za-z0-9._-]{1,200}$/;
const MAX_LOG_BYTES = 256 * 1024;
const SUPERVISOR_START_TIMEOUT_MS = 5_000;
/** A run dir without pid.json younger than this is still starting; older, its supervisor died. */
const PENDING_WINDOW_MS = 10_000;
const DEFAULT_STOP_GRACE_MS = 10_000;

function supervisorPath(): string {
  // Inside a Next.js bundle import.meta.url points into .next (or is not a file URL at all),
  // so fall back to the source tree, which deployments ship alongside the bundle.
  try {
    const bundled = fileURLToPath(new URL("./supervisor.mjs", import.meta.url));
    if (existsSync(bundled)) return bundled;
  } catch {
    // Not a file: URL; use the fallback.
  }
  return path.join(process.cwd(), "server/executors/local/supervisor.mjs");
}

async function readJson<T>(file: string): Promise<T | null> {
  try {
    return JSON.parse(await fs.readFile(file, "utf8")) as T;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw err;
  }
}

async function mtimeMs(file: string): Promise<number | null> {
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
async function supervisorAlive(pidFile: PidFile): Promise<boolean> {
  let stat: string;
  try {
    stat = await fs.readFile(`/proc/${pidFile.pid}/stat`, "utf8");
  } catch {
    return false;
  }
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return fields[0] !== "Z" && fields[19] === pidFile.startTime;
}

function signalGroup(pidFile: PidFile, signal: NodeJS.Signals): void {
  // A supervisor that does not lead its own group shares one with someone else (the app, if it
  // was started by hand): signalling that group would hit innocent processes.
  if (pidFile.pgid !== pidFile.pid) return;
  try {
    process.kill(-pidFile.pgid, signal);
  } catch {
    // ESRCH: the group is already gone, which is what we wanted.
  }
}

/** Length of `buf` without a trailing, incomplete UTF-8 sequence. */
function utf8Boundary(buf: Buffer): number {
  for (let i = buf.length - 1; i >= Math.max(0, buf.length - 4); i--) {
    const byte = buf[i];
    if ((byte & 0xc0) === 0x80) continue; // continuation byte: keep looking for the lead
    const need = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return i + need > buf.length ? i : buf.length;
  }
  return buf.length;
}

function describeExit(exit: ExitFile): string {
  if (exit.error) return exit.error;
  if (exit.signal) return `killed by ${exit.signal}`;
  return `exited with code ${exit.code}`;
}

/** Identifies a data directory on a host: local jobs are observed only by runners sharing it. */
function instanceId(runsDir: string): string {
  const file = path.join(runsDir, "instance-id");
  mkdirSync(runsDir, { recursive: true, mode: 0o700 });
  try {
    writeFileSync(file, randomUUID(), { flag: "wx", mode: 0o600 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
  }
  return readFileSync(file, "utf8").trim();
}

/** The local executor, with what tests and diagnostics may want to know about it. */
export type LocalExecutor = Executor & { readonly isolation: IsolationMode; readonly runsDir: string; readonly workspacesDir: string };

export function createLocalExecutor(options: LocalExecutorOptions): LocalExecutor {
  const runsDir = path.resolve(options.runsDir);
  const workspacesDir = path.resolve(options.workspacesDir ?? path.join(runsDir, "..", "workspaces"));
  const dataDir = path.resolve(options.dataDir ?? path.dirname(runsDir));
  const appDir = path.resolve(options.appDir ?? process.cwd());
  const isolation = options.isolation ?? detectIsolation();
  const graceMs = options.stopGraceMs ?? DEFAULT_STOP_GRACE_MS;

  function runDir(remoteId: string): string {
    // The regex alone admits "." and "..", which would name runsDir itself or its parent.
    if (!REMOTE_ID.test(remoteId) || remoteId === "." || remoteId === "..") {
      throw new Error(`invalid remoteId for local executor: ${JSON.stringify(remoteId)}`);
    }
    return path.join(runsDir, remoteId);
  }

  async function killIfStillRunning(dir: string): Promise<void> {
    if (await readJson<ExitFile>(path.join(dir, "exit.json"))) return;
    const pidFile = await readJson<PidFile>(path.join(dir, "pid.json"));
    if (pidFile && (await supervisorAlive(pidFile))) signalGroup(pidFile, "SIGKILL");
  }

  async function waitForSupervisor(dir: string, child: ChildProcess): Promise<void> {
    const failure: { error?: Error } = {};
    child.once("error", (err) => {
      failure.error = err;
    });
    const deadline = Date.now() + SUPERVISOR_START_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (failure.error) throw new Error(`local executor: cannot start supervisor: ${failure.error.message}`);
      if (existsSync(path.join(dir, "pid.json")) || existsSync(path.join(dir, "exit.json"))) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`local executor: supervisor for ${dir} did not start within ${SUPERVISOR_START_TIMEOUT_MS} ms`);
  }

  return {
    placement: `local:${instanceId(runsDir)}`,
    isolation,
    runsDir,
    workspacesDir,

    async submit(spec: JobSpec, remoteId: string, { signal }: CallOptions): Promise<void> {
      signal.throwIfAborted();
      const dir = runDir(remoteId);
      await fs.mkdir(runsDir, { recursive: true, mode: 0o700 });
      try {
        // Non-recursive on the leaf: exactly one caller, in any process, wins the creation.
        await fs.mkdir(dir, { mode: 0o700 });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "EEXIST") return;
        throw err;
      }
      // Kept for people reading the run directory; the job's credentials travel only on stdin.
      await fs.writeFile(path.join(dir, "spec.json"), JSON.stringify({ command: spec.command, cwd: spec.cwd }), { mode: 0o600 });
      const uidLock = isolation === "user" ? path.join(runsDir, ".uids") : undefined;
      const uid = uidLock ? allocateJobUid(uidLock, remoteId) : undefined;
      const workspace = await prepareWorkspace({ workspacesDir, remoteId, appDir, uid, shareExamples: isolation === "user" });
      const plan = launchPlan({
        mode: isolation, command: spec.command, cwd: path.resolve(workspace, spec.cwd ?? "."), workspace, uid,
        env: jobEnvironment(process.env, workspace, spec.env ?? {}), hidden: hiddenPaths(dataDir, appDir),
      });
      const child = spawn(process.execPath, [supervisorPath(), dir], {
        cwd: "/",
        detached: true,
        stdio: ["pipe", "ignore", "ignore"],
        // The supervisor needs nothing of the app's environment, least of all its secrets.
        env: { PATH: process.env.PATH ?? "/usr/bin:/bin" } as unknown as NodeJS.ProcessEnv,
      });
      child.stdin!.on("error", () => {}); // a supervisor that died at once is reported by waitForSupervisor
      child.stdin!.end(JSON.stringify({ plan, workspace, uidLock: uid !== undefined ? path.join(uidLock!, String(uid)) : undefined, killUid: uid }));
      child.unref();
      await waitForSupervisor(dir, child);
    },

    async status(remoteId: string, { signal }: CallOptions): Promise<RemoteStatus> {
      signal.throwIfAborted();
      const dir = runDir(remoteId);
      const stopRequestedAt = await mtimeMs(path.join(dir, "stop-requested"));
      const pidFile = await readJson<PidFile>(path.join(dir, "pid.json"));
      const startedAt = pidFile?.childPid ? pidFile.startedAt : null;

      const fromExit = (exit: ExitFile): RemoteStatus => ({
        state: exit.lost ? "LOST" : stopRequestedAt !== null ? "STOPPED" : exit.code === 0 ? "SUCCEEDED" : "FAILED",
        exitCode: exit.code,
        signal: exit.signal,
        message: describeExit(exit),
        startedAt,
        finishedAt: exit.finishedAt,
      });

      const exit = await readJson<ExitFile>(path.join(dir, "exit.json"));
      if (exit) return fromExit(exit);

      if (pidFile && (await supervisorAlive(pidFile))) {
        if (stopRequestedAt !== null && Date.now() - stopRequestedAt > graceMs) {
          // The app that called stop() may have died before its SIGKILL timer fired.
          signalGroup(pidFile, "SIGKILL");
        }
        return { state: "RUNNING", startedAt };
      }
      // The supervisor writes exit.json before exiting: look again in case it just finished.
      const lateExit = await readJson<ExitFile>(path.join(dir, "exit.json"));
      if (lateExit) return fromExit(lateExit);

      if (!pidFile) {
        const dirMtime = await mtimeMs(dir);
        if (dirMtime === null) return { state: "LOST", message: "run directory missing" };
        // spec.json is written once by submit(); the dir's own mtime moves whenever a file is added.
        const submittedAt = (await mtimeMs(path.join(dir, "spec.json"))) ?? dirMtime;
        if (Date.now() - submittedAt < PENDING_WINDOW_MS) return { state: "PENDING" };
      }
      if (stopRequestedAt !== null) {
        // Our SIGKILL after the grace period takes the supervisor down with the group.
        return { state: "STOPPED", signal: pidFile ? "SIGKILL" : null, message: "stopped; no exit status recorded", startedAt };
      }
      return { state: "LOST", message: pidFile ? "supervisor gone without exit.json" : "supervisor never started", startedAt };
    },

    async logs(remoteId: string, cursor: string, { signal }: CallOptions): Promise<LogChunk> {
      signal.throwIfAborted();
      const dir = runDir(remoteId);
      if (!/^\d*$/.test(cursor)) throw new Error(`invalid log cursor: ${JSON.stringify(cursor)}`);
      const offset = cursor === "" ? 0 : Number(cursor);
      let handle: FileHandle;
      try {
        handle = await fs.open(path.join(dir, "output.log"), "r");
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "ENOENT") return { text: "", cursor };
        throw err;
      }
      try {
        const buf = Buffer.alloc(MAX_LOG_BYTES);
        const { bytesRead } = await handle.read(buf, 0, MAX_LOG_BYTES, offset);
        // A character cut by the size limit, or still being written, is returned on the next call.
        const end = utf8Boundary(buf.subarray(0, bytesRead));
        return { text: buf.toString("utf8", 0, end), cursor: String(offset + end) };
      } finally {
        await handle.close();
      }
    },

    async stop(remoteId: string, { signal }: CallOptions): Promise<void> {
      signal.throwIfAborted();
      const dir = runDir(remoteId);
      // Marking a finished job would turn its SUCCEEDED/FAILED into STOPPED.
      if (existsSync(path.join(dir, "exit.json"))) return;
      try {
        // "wx" keeps the first request's mtime, which is when the grace period started.
        await fs.writeFile(path.join(dir, "stop-requested"), new Date().toISOString(), { flag: "wx" });
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === "ENOENT") return; // unknown job
        if (code !== "EEXIST") throw err;
      }
      const pidFile = await readJson<PidFile>(path.join(dir, "pid.json"));
      if (!pidFile || !(await supervisorAlive(pidFile))) return;
      // The supervisor ignores SIGTERM and stays to record the result; the job gets it.
      signalGroup(pidFile, "SIGTERM");
      setTimeout(() => void killIfStillRunning(dir).catch(() => {}), graceMs).unref();
    },
  };
}
