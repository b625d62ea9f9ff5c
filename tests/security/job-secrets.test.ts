import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { asc, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { loadOrCreateAuthSecret } from "@/server/auth/auth-secret";
import { getDb } from "@/server/db/client";
import { runLogs } from "@/server/db/schema";
import { createLocalExecutor, type LocalExecutor } from "@/server/executors/local/local-executor";
import { makeEnvFilesPrivate, type IsolationMode } from "@/server/executors/local/isolation";
import { resolveStateDirs } from "@/server/host/state-dirs";
import { createFsObjectStore } from "@/server/storage/object-store";
import { uploadArtifact } from "@/server/tracking/artifacts";
import { getRunRow } from "@/server/tracking/runs";
import { callerFor, createOrgWithAdmin, unique } from "../helpers/fixtures";
import { runUntil, testRunnerOptions } from "../helpers/runner";

/**
 * A job is an attacker with a shell on our host. It tries to read every secret the platform
 * has — the auth secret, the database password, other organizations' artifacts, another run's
 * directory, workspace and token, the app's environment — and the database itself, and prints
 * its own environment. It must find nothing it may not have.
 */

const ALLOWED_ENV = new Set(["PATH", "HOME", "TMPDIR", "PYTHONUNBUFFERED", "ANVIL_URL", "ANVIL_RUN_ID", "ANVIL_RUN_TOKEN", "ANVIL_PARAMS",
  "LANG", "LANGUAGE", "LC_ALL", "LC_CTYPE", "LC_MESSAGES", "TZ", "TERM", "PWD", "SHLVL", "_", "OLDPWD"]);

async function platform(isolation: IsolationMode) {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), "anvil-secrets-"));
  fs.chmodSync(base, 0o755);
  const dirs = resolveStateDirs(path.join(base, "data"));
  const authSecret = loadOrCreateAuthSecret(undefined, dirs.dataDir);
  const dbPassword = `pw-${unique()}-${unique()}`;
  fs.writeFileSync(path.join(dirs.dataDir, "postgres.json"), JSON.stringify({ port: 5432, user: "anvil", password: dbPassword }), { mode: 0o600 });
  // The app's own directory: examples jobs must read, and an .env file they must not.
  const appDir = path.join(base, "app");
  fs.mkdirSync(path.join(appDir, "examples"), { recursive: true });
  fs.writeFileSync(path.join(appDir, "examples", "hello.txt"), "EXAMPLE-VISIBLE");
  const envSecret = `env-secret-${unique()}`;
  fs.writeFileSync(path.join(appDir, ".env.local"), `AUTH_SECRET=${envSecret}\n`, { mode: 0o644 });
  if (isolation === "user") makeEnvFilesPrivate(appDir); // what the app does at start as root
  const executor: LocalExecutor = createLocalExecutor({
    runsDir: path.join(dirs.dataDir, "runs"), workspacesDir: path.join(dirs.sharedDir, "workspaces"), dataDir: dirs.dataDir, appDir, isolation, stopGraceMs: 500,
  });
  return { dirs, authSecret, dbPassword, envSecret, appDir, executor, store: createFsObjectStore(path.join(dirs.dataDir, "objects")) };
}

function attackScript(p: Awaited<ReturnType<typeof platform>>, victimRemoteId: string): string {
  const d = p.dirs.dataDir;
  const dbUrl = new URL(process.env.DATABASE_URL!);
  const tries = [
    `cat ${d}/auth-secret`, `cat ${d}/postgres.json`, `cat ${p.appDir}/.env.local`, "cat examples/hello.txt",
    // The test database's own credentials live outside this simulated data directory: under its
    // own uid a job cannot read them either; a bubblewrap sandbox hides only the data directory.
    ...(p.executor.isolation === "user" ? ["cat /tmp/anvil-vitest-postgres/postgres.json"] : []),
    `ls -R ${d}/objects`, `cat $(find ${d}/objects -type f 2>/dev/null)`, `ls ${d}/runs`,
    `cat ${d}/runs/${victimRemoteId}/spec.json`, `cat ${d}/runs/${victimRemoteId}/output.log`,
    `cat ${p.dirs.sharedDir}/workspaces/${victimRemoteId}/secret.txt`, `ls ${p.dirs.sharedDir}/workspaces/${victimRemoteId}`,
    `cat /proc/${process.pid}/environ | tr '\\0' '\\n'`, `cat /proc/[0-9]*/environ 2>/dev/null | tr '\\0' '\\n' | grep -a ANVIL_RUN_TOKEN`,
    `PGCONNECT_TIMEOUT=3 psql -w -h ${dbUrl.hostname} -p ${dbUrl.port} -U ${decodeURIComponent(dbUrl.username) || "anvil"} -d ${dbUrl.pathname.slice(1)} -Atc 'select slug from organizations'`,
    `PGCONNECT_TIMEOUT=3 psql -w -h ${dbUrl.hostname} -p ${dbUrl.port} -U postgres -d postgres -Atc 'select datname from pg_database'`,
  ];
  return [...tries.map((t) => `echo "== TRY ${t.replace(/"/g, "'")}"; ${t} 2>&1`), 'echo "== ENV"; env; echo "== END"'].join("\n");
}

async function attack(isolation: IsolationMode) {
  const p = await platform(isolation);
  const opts = testRunnerOptions({ executors: { local: p.executor } });
  const victimOrg = await createOrgWithAdmin("Victim Co");
  const victim = await callerFor(victimOrg.adminId);
  const victimRun = await victim.training.submit({ org: victimOrg.slug, job: { name: "victim", command: "echo VICTIM-WORKSPACE-SECRET > secret.txt; sleep 30" } as never });
  const artifactSecret = `VICTIM-ARTIFACT-${unique()}`;
  const db = await getDb();
  await uploadArtifact(db, p.store, await getRunRow(db, victimOrg.orgId, victimRun.id), { kind: "system", label: "test" }, {
    path: "model/weights.txt", contentType: "text/plain", body: new Blob([artifactSecret]).stream(),
  });
  const victimRunning = await runUntil(victimRun.id, ["RUNNING"], opts);

  const attacker = await createOrgWithAdmin("Attacker Co");
  const run = await (await callerFor(attacker.adminId)).training.submit({ org: attacker.slug, job: { name: "attack", command: attackScript(p, victimRunning.remoteId!) } as never });
  const done = await runUntil(run.id, ["SUCCEEDED", "FAILED"], opts, 40_000);
  const log = (await db.select().from(runLogs).where(eq(runLogs.runId, run.id)).orderBy(asc(runLogs.id))).map((l) => l.text).join("");
  await victim.training.cancel({ org: victimOrg.slug, runId: victimRun.id });
  await runUntil(victimRun.id, ["CANCELLED"], opts, 20_000);
  return { p, log, done, victimOrg, artifactSecret };
}

function envOf(log: string): Record<string, string> {
  const block = log.split("== ENV\n")[1]?.split("== END")[0] ?? "";
  return Object.fromEntries(block.split("\n").filter((l) => l.includes("=")).map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]));
}

function expectNothingLeaked(r: Awaited<ReturnType<typeof attack>>) {
  expect(r.log).toContain("== END"); // the script ran to its end
  expect(r.log).toContain("EXAMPLE-VISIBLE"); // what jobs need is still there
  for (const secret of [r.p.authSecret, r.p.dbPassword, r.p.envSecret, r.artifactSecret, "VICTIM-WORKSPACE-SECRET", r.victimOrg.slug, "DATABASE_URL", "AUTH_SECRET="]) {
    expect(r.log, `leaked ${secret}`).not.toContain(secret);
  }
  const tokens = new Set(r.log.match(/anvr_[A-Za-z0-9_-]{20,}/g) ?? []);
  expect(tokens.size, "run tokens seen").toBe(1); // its own, and no other run's
  const env = envOf(r.log);
  expect(Object.keys(env).filter((k) => !ALLOWED_ENV.has(k))).toEqual([]);
  expect(env.ANVIL_RUN_TOKEN).toMatch(/^anvr_/);
  expect(r.log).not.toMatch(/password=|"password"/i);
}

describe("a job cannot read the platform's secrets or other tenants' data", () => {
  it.runIf(process.getuid?.() === 0)("as root: each job under a uid of its own", async () => {
    const r = await attack("user");
    expect(r.p.executor.isolation).toBe("user");
    expectNothingLeaked(r);
  });

  const bwrap = spawnSync("bwrap", ["--version"]).status === 0;
  it.runIf(bwrap)("as an ordinary user with bubblewrap: the data directory is empty in the sandbox", async () => {
    const r = await attack("bwrap");
    expectNothingLeaked(r);
  });
});
