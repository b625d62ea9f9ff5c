/**
 * The `local` executor: runs a job's shell command on this machine under a detached supervisor
 * (supervisor.mjs) so that the job survives a `kill -9` of the app and a later app process can
 * adopt it. All state lives in `${runsDir}/${remoteId}`; see supervisor.mjs for the file layout.
 * Why this shape: reference/jobs-reliability.md §4.4 "Local subprocess".
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import fs, { type FileHandle } from "node:fs/promises";
import path from "node:path";

import type { CallOptions, Executor, JobSpec, LogChunk, RemoteStatus } from "../types";
import { allocateJobUid, detectIsolation, hiddenPaths, jobEnvironment, jobUidLockPath, launchPlan, releaseJobUid, type IsolationMode } from "./isolation";
import { describeExit, hostIdentity, instanceId, mtimeMs, readJson, signalGroup, supervisorAlive, supervisorPath, systemMetricsModulePath, utf8Boundary, type ExitFile, type PidFile } from "./run-files";
import { log } from "@/server/log";
import { prepareWorkspace, reclaimJobUids } from "./workspace";

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
  /** Wrap jobs in bubblewrap (read-only root, private /tmp, own process namespace). Default: when it works. */
  sandbox?: boolean;
  /** Directories a sandboxed job may write besides its workspace. */
  writablePaths?: string[];
  /** Time between SIGTERM and SIGKILL of the job's process group on stop(). */
  stopGraceMs?: number;
  /** How often the supervisor sends the job's system metrics (CPU, memory, GPU); 0 = never. Default 5 s. */
  systemMetricsMs?: number;
}

const REMOTE_ID = /^[A-Za-z0-9._-]{1,200}$/;
const MAX_LOG_BYTES = 256 * 1024;
const SUPERVISOR_START_TIMEOUT_MS = 5_000;
/** A run dir without pid.json younger than this is still starting; older, its supervisor died. */
const PENDING_WINDOW_MS = 10_000;
const DEFAULT_STOP_GRACE_MS = 10_000;

/** The local executor, with what tests and diagnostics may want to know about it. */
export type LocalExecutor = Executor & { readonly isolation: IsolationMode; readonly sandbox: boolean; readonly runsDir: string; readonly workspacesDir: string };

export function createLocalExecutor(options: LocalExecutorOptions): LocalExecutor {
  const runsDir = path.resolve(options.runsDir);
  const workspacesDir = path.resolve(options.workspacesDir ?? path.join(runsDir, "..", "workspaces"));
  const dataDir = path.resolve(options.dataDir ?? path.dirname(runsDir));
  const appDir = path.resolve(options.appDir ?? process.cwd());
  const detected = options.isolation === undefined || options.sandbox === undefined ? detectIsolation() : null;
  const isolation = options.isolation ?? detected!.mode;
  const sandbox = options.sandbox ?? (isolation === "bwrap" || (isolation === "user" && detected!.sandbox));
  if (isolation === "user") reclaimJobUids(runsDir, workspacesDir, (problem, err) => log.warn(`local executor: ${problem}`, { err }));
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
    placement: `local:${instanceId(runsDir)}:${hostIdentity()}`,
    isolation,
    sandbox,
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
      const uid = isolation === "user" ? allocateJobUid(remoteId) : undefined;
      let workspace: string | undefined;
      let child: ChildProcess;
      try {
        const prepared = await prepareWorkspace({ workspacesDir, remoteId, appDir, uid, shareExamples: isolation === "user" });
        workspace = prepared.workspace;
        const plan = launchPlan({
          sandbox, command: spec.command, cwd: path.resolve(workspace, spec.cwd ?? "."), workspace, uid,
          env: jobEnvironment(process.env, workspace, spec.env ?? {}), hidden: isolation === "bwrap" ? hiddenPaths(dataDir, appDir) : [],
          writable: options.writablePaths, readable: prepared.examplesRoot ? [prepared.examplesRoot] : [],
        });
        // Given up on (timeout, lost lease) while preparing: start nothing, leave no trace.
        signal.throwIfAborted();
        // What the supervisor needs to clean up, without credentials; written last, so the
        // "still starting" window runs from here.
        await fs.writeFile(path.join(dir, "spec.json"), JSON.stringify({ command: spec.command, cwd: spec.cwd, workspace, uid, uidLock: uid !== undefined ? jobUidLockPath(uid) : undefined }), { mode: 0o600 });
        child = spawn(process.execPath, [supervisorPath(), dir], {
          cwd: "/",
          detached: true,
          stdio: ["pipe", "ignore", "ignore"],
          // The supervisor needs nothing of the app's environment, least of all its secrets.
          env: { PATH: process.env.PATH ?? "/usr/bin:/bin" } as unknown as NodeJS.ProcessEnv,
        });
        child.stdin!.on("error", () => {}); // a supervisor that died at once is reported by waitForSupervisor
        child.stdin!.end(JSON.stringify({ plan, systemMetrics: systemMetricsTarget(spec, options.systemMetricsMs ?? 5_000) }));
        child.unref();
      } catch (err) {
        if (uid !== undefined) releaseJobUid(uid, remoteId);
        if (workspace) await fs.rm(workspace, { recursive: true, force: true });
        await fs.rm(dir, { recursive: true, force: true });
        throw err;
      }
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

    async running({ signal }: CallOptions): Promise<string[]> {
      signal.throwIfAborted();
      const ids: string[] = [];
      for (const id of existsSync(runsDir) ? await fs.readdir(runsDir) : []) {
        if (!REMOTE_ID.test(id) || id.startsWith(".") || id === "instance-id") continue;
        const dir = path.join(runsDir, id);
        if (existsSync(path.join(dir, "exit.json"))) continue;
        const pidFile = await readJson<PidFile>(path.join(dir, "pid.json")).catch(() => null);
        if (pidFile && (await supervisorAlive(pidFile))) ids.push(id);
      }
      return ids;
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

/**
 * Where the supervisor sends system metrics: the run's metrics route, with the run's token, both
 * taken from the job's environment (the runner puts ANVIL_URL, ANVIL_RUN_ID, ANVIL_RUN_TOKEN
 * there for the job's own logging). A job started without them gets no system metrics.
 */
function systemMetricsTarget(spec: JobSpec, everyMs: number) {
  const env = spec.env ?? {};
  if (everyMs <= 0 || !env.ANVIL_URL || !env.ANVIL_RUN_ID || !env.ANVIL_RUN_TOKEN) return undefined;
  return {
    url: `${env.ANVIL_URL.replace(/\/+$/, "")}/api/v1/runs/${encodeURIComponent(env.ANVIL_RUN_ID)}/metrics`, token: env.ANVIL_RUN_TOKEN, everyMs,
    module: systemMetricsModulePath(),
  };
}
