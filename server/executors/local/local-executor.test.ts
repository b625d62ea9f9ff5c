import { existsSync, readFileSync, readdirSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";

import { afterAll, beforeEach, describe, expect, it } from "vitest";

import type { Executor, RemoteState, RemoteStatus } from "../types";
import { createLocalExecutor } from "./local-executor";

const o = { signal: new AbortController().signal };

async function waitFor<T>(fn: () => Promise<T | null | undefined | false>, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function waitForState(executor: Executor, id: string, states: RemoteState[], timeoutMs?: number): Promise<RemoteStatus> {
  return waitFor(async () => {
    const status = await executor.status(id, o);
    return states.includes(status.state) ? status : null;
  }, timeoutMs);
}

/** Live (non-zombie) processes in a process group, read from /proc. */
function liveGroupMembers(pgid: number): number[] {
  const members: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, "utf8");
    } catch {
      continue; // exited while we were scanning
    }
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (fields[0] !== "Z" && Number(fields[2]) === pgid) members.push(Number(entry));
  }
  return members;
}

function pidFile(runDir: string): { pid: number; pgid: number; jobPgid: number } {
  return JSON.parse(readFileSync(path.join(runDir, "pid.json"), "utf8"));
}

const root = await fs.mkdtemp(path.join(os.tmpdir(), "anvil-local-executor-"));
let runsDir: string;
let work: string;
let executor: Executor;
let seq = 0;

beforeEach(async () => {
  seq += 1;
  runsDir = path.join(root, `runs-${seq}`);
  work = path.join(root, `work-${seq}`);
  await fs.mkdir(work, { recursive: true });
  executor = createLocalExecutor({ runsDir, stopGraceMs: 300, isolation: "none", sandbox: false });
});

afterAll(async () => {
  // Don't leave jobs behind if a test failed half-way.
  for (const runs of readdirSync(root).filter((d) => d.startsWith("runs-"))) {
    for (const id of readdirSync(path.join(root, runs))) {
      const file = path.join(root, runs, id, "pid.json");
      if (!existsSync(file)) continue;
      const groups = pidFile(path.dirname(file));
      for (const pid of [...liveGroupMembers(groups.pgid), ...liveGroupMembers(groups.jobPgid)]) {
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          // already gone
        }
      }
    }
  }
  await fs.rm(root, { recursive: true, force: true });
});

describe("local executor", () => {
  it("runs a command to success and captures stdout and stderr in order", async () => {
    await executor.submit({ command: "echo out1; echo err1 >&2; echo out2" }, "ok-1", o);
    const status = await waitForState(executor, "ok-1", ["SUCCEEDED", "FAILED", "LOST"]);
    expect(status).toMatchObject({ state: "SUCCEEDED", exitCode: 0, signal: null });
    expect(await executor.logs("ok-1", "", o)).toEqual({ text: "out1\nerr1\nout2\n", cursor: "15" });
    expect(await executor.logs("ok-1", "15", o)).toEqual({ text: "", cursor: "15" });
  });

  it("reports a non-zero exit as FAILED with its code", async () => {
    await executor.submit({ command: "echo nope; exit 3" }, "fail-1", o);
    const status = await waitForState(executor, "fail-1", ["SUCCEEDED", "FAILED", "LOST"]);
    expect(status).toMatchObject({ state: "FAILED", exitCode: 3, message: "exited with code 3" });
  });

  it("reports a missing working directory as FAILED with code 127", async () => {
    await executor.submit({ command: "true", cwd: path.join(work, "missing") }, "nocwd-1", o);
    const status = await waitForState(executor, "nocwd-1", ["SUCCEEDED", "FAILED", "LOST"]);
    expect(status).toMatchObject({ state: "FAILED", exitCode: 127 });
    expect(status.message).toContain("does not exist");
    expect((await executor.logs("nocwd-1", "", o)).text).toContain("failed to start");
  });

  it("runs the command once however often it is submitted", async () => {
    const spec = { command: "echo run >> counter", cwd: work };
    await Promise.all([executor.submit(spec, "once-1", o), executor.submit(spec, "once-1", o)]);
    await executor.submit(spec, "once-1", o);
    await waitForState(executor, "once-1", ["SUCCEEDED"]);
    await executor.submit(spec, "once-1", o);
    expect(await fs.readFile(path.join(work, "counter"), "utf8")).toBe("run\n");
  });

  it("passes the spec's environment to the job", async () => {
    await executor.submit({ command: 'printf "%s|%s" "$GREETING" "$ANVIL_RUN_ID"', env: { GREETING: "hello world", ANVIL_RUN_ID: "r-1" } }, "env-1", o);
    await waitForState(executor, "env-1", ["SUCCEEDED"]);
    expect((await executor.logs("env-1", "", o)).text).toBe("hello world|r-1");
  });

  it("sends the job's CPU and memory as system metrics to its run's route, with the run's token", async () => {
    const received: Array<{ auth?: string; url?: string; metrics: Array<{ key: string; value: number; step: number }> }> = [];
    const server = createServer((req, res) => {
      let body = "";
      req.on("data", (c) => (body += c)).on("end", () => {
        received.push({ auth: req.headers.authorization, url: req.url, ...JSON.parse(body) });
        res.writeHead(200).end("{}");
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const sampled = createLocalExecutor({ runsDir, stopGraceMs: 300, isolation: "none", sandbox: false, systemMetricsMs: 250 });
      // Busy on one core for 2 s, holding ~64 MB.
      const busy = `node -e "const b=Buffer.alloc(64<<20,1);const t=Date.now();while(Date.now()-t<2000){}console.log(b[0])"`;
      await sampled.submit({ command: busy, env: { ANVIL_URL: `http://127.0.0.1:${port}/`, ANVIL_RUN_ID: "run-7", ANVIL_RUN_TOKEN: "tok-7" } }, "sys-1", o);
      await waitForState(sampled, "sys-1", ["SUCCEEDED"], 10_000);
      expect(received.length).toBeGreaterThanOrEqual(4);
      expect(received.every((r) => r.auth === "Bearer tok-7" && r.url === "/api/v1/runs/run-7/metrics")).toBe(true);
      const points = received.flatMap((r) => r.metrics);
      const max = (key: string) => Math.max(...points.filter((p) => p.key === key).map((p) => p.value));
      expect(max("system/process_cpu_percentage")).toBeGreaterThan(50);
      expect(max("system/process_memory_rss_megabytes")).toBeGreaterThan(60);
      expect(max("system/cpu_utilization_percentage")).toBeGreaterThan(0);
      expect(max("system/system_memory_usage_megabytes")).toBeGreaterThan(0);
      const steps = points.filter((p) => p.key === "system/process_cpu_percentage").map((p) => p.step);
      expect(steps).toEqual([...steps].sort((a, b) => a - b));
      // A job started without a run to report to sends nothing.
      const before = received.length;
      await sampled.submit({ command: "sleep 0.6" }, "sys-2", o);
      await waitForState(sampled, "sys-2", ["SUCCEEDED"]);
      expect(received.length).toBe(before);
    } finally {
      server.close();
    }
  });

  it("stops a job and its whole process group", async () => {
    await executor.submit({ command: "sleep 30 & echo $! > grandchild.pid; sleep 30", cwd: work }, "stop-1", o);
    expect((await executor.status("stop-1", o)).state).toBe("RUNNING");
    const grandchild = await waitFor(async () => Number(await fs.readFile(path.join(work, "grandchild.pid"), "utf8").catch(() => "")));
    const { jobPgid: pgid, pid: supervisor } = pidFile(path.join(runsDir, "stop-1"));
    expect(liveGroupMembers(pgid)).toContain(grandchild);
    expect(liveGroupMembers(pgid)).not.toContain(supervisor); // the job has a group of its own

    const started = Date.now();
    await executor.stop("stop-1", o);
    await executor.stop("stop-1", o);
    const status = await waitForState(executor, "stop-1", ["STOPPED", "SUCCEEDED", "FAILED", "LOST"], 3_000);
    expect(status).toMatchObject({ state: "STOPPED", signal: "SIGTERM" });
    expect(Date.now() - started).toBeLessThan(3_000);
    await waitFor(async () => liveGroupMembers(pgid).length === 0);
    await executor.stop("stop-1", o); // finished: nothing to do, no error
  });

  it("escalates to SIGKILL when the job ignores SIGTERM", async () => {
    await executor.submit({ command: "trap '' TERM; sleep 30" }, "stubborn-1", o);
    await executor.stop("stubborn-1", o);
    const status = await waitForState(executor, "stubborn-1", ["STOPPED", "SUCCEEDED", "FAILED", "LOST"], 3_000);
    expect(status).toMatchObject({ state: "STOPPED", signal: "SIGKILL" });
    await waitFor(async () => liveGroupMembers(pidFile(path.join(runsDir, "stubborn-1")).jobPgid).length === 0);
  });

  it("keeps a finished job's result when stop() comes late, and tolerates unknown ids", async () => {
    await executor.submit({ command: "true" }, "late-1", o);
    await waitForState(executor, "late-1", ["SUCCEEDED"]);
    await executor.stop("late-1", o);
    expect((await executor.status("late-1", o)).state).toBe("SUCCEEDED");
    await executor.stop("never-submitted", o);
    expect(await executor.status("never-submitted", o)).toEqual({ state: "LOST", message: "run directory missing" });
    expect(await executor.logs("never-submitted", "", o)).toEqual({ text: "", cursor: "" });
  });

  it("pages large output by cursor without splitting UTF-8 characters", async () => {
    // One ASCII byte then two-byte characters: the 256 KiB limit falls inside a character.
    const script = "process.stdout.write('a' + 'é'.repeat(350000) + 'z\\n')";
    await executor.submit({ command: `"${process.execPath}" -e "${script}"` }, "big-1", o);
    await waitForState(executor, "big-1", ["SUCCEEDED"]);
    const file = await fs.readFile(path.join(runsDir, "big-1", "output.log"));
    expect(file.length).toBeGreaterThan(2 * 256 * 1024);

    let cursor = "";
    let text = "";
    let calls = 0;
    for (;;) {
      const chunk = await executor.logs("big-1", cursor, o);
      if (chunk.text === "") break;
      expect(chunk.text).not.toContain("\uFFFD");
      expect(Number(chunk.cursor) - Number(cursor || 0)).toBeLessThanOrEqual(256 * 1024);
      text += chunk.text;
      cursor = chunk.cursor;
      calls += 1;
    }
    expect(calls).toBeGreaterThanOrEqual(3);
    expect(text).toBe(file.toString("utf8"));
    expect(cursor).toBe(String(file.length));
  });

  it("reports LOST when the process group dies without writing exit.json", async () => {
    await executor.submit({ command: "sleep 30" }, "lost-1", o);
    expect((await executor.status("lost-1", o)).state).toBe("RUNNING");
    const lost = pidFile(path.join(runsDir, "lost-1"));
    process.kill(-lost.jobPgid, "SIGKILL");
    process.kill(-lost.pgid, "SIGKILL");
    const status = await waitForState(executor, "lost-1", ["LOST", "SUCCEEDED", "FAILED", "STOPPED"]);
    expect(status).toMatchObject({ state: "LOST", message: "supervisor gone without exit.json" });
  });

  it("lets a new executor instance adopt a running job", async () => {
    await executor.submit({ command: "while [ ! -f go ]; do sleep 0.05; done; echo adopted", cwd: work }, "adopt-1", o);
    // A fresh instance over the same runsDir stands for the app after a restart.
    const restarted = createLocalExecutor({ runsDir, isolation: "none", sandbox: false });
    expect((await restarted.status("adopt-1", o)).state).toBe("RUNNING");
    await restarted.submit({ command: "echo second start" }, "adopt-1", o);
    await fs.writeFile(path.join(work, "go"), "");
    const status = await waitForState(restarted, "adopt-1", ["SUCCEEDED", "FAILED", "LOST"]);
    expect(status.state).toBe("SUCCEEDED");
    expect((await restarted.logs("adopt-1", "", o)).text).toBe("adopted\n");
  });

  it("rejects remote ids that could escape the runs directory", async () => {
    for (const id of ["../escape", "..", ".", "a/b", "", "x".repeat(201)]) {
      await expect(executor.submit({ command: "true" }, id, o)).rejects.toThrow(/invalid remoteId/);
      await expect(executor.status(id, o)).rejects.toThrow(/invalid remoteId/);
    }
    expect(existsSync(path.join(root, "escape"))).toBe(false);
  });
});
