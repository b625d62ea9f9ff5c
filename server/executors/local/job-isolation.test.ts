import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { jobUidLockPath, liveUids } from "./isolation";
import { createLocalExecutor } from "./local-executor";

/**
 * As root, nothing of a job outlives it: not a daemon it detached with setsid, not a file it
 * left in /tmp, not its workspace — and only then is its uid handed out again.
 */
const o = { signal: new AbortController().signal };

/** Polls `fn` (sync or async) until it gives something truthy. */
async function waitFor<T>(fn: () => T | false | undefined | Promise<T | false | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.runIf(process.getuid?.() === 0)("local jobs as root", () => {
  it.each([false, true])("leave nothing behind (sandbox: %s)", async (sandbox) => {
    const base = fs.mkdtempSync(path.join(os.tmpdir(), "anvil-iso-"));
    fs.chmodSync(base, 0o711);
    const executor = createLocalExecutor({ runsDir: path.join(base, "runs"), workspacesDir: path.join(base, "ws"), dataDir: base, isolation: "user", sandbox, stopGraceMs: 300 });
    const id = `iso-${sandbox}-${Date.now()}`;
    const marker = `anvil-leftover-${id}`;
    await executor.submit({ command: `setsid sleep 600 < /dev/null > /dev/null 2>&1 & echo x > /tmp/${marker}; id -u; echo done` }, id, o);
    // Awaited: an async check is a promise, which a plain truthiness test would take as done at once.
    const status = await waitFor(async () => { const s = await executor.status(id, o); return s.state === "SUCCEEDED" || s.state === "FAILED" ? s : false; });
    expect(status.state).toBe("SUCCEEDED");
    const spec = JSON.parse(fs.readFileSync(path.join(base, "runs", id, "spec.json"), "utf8")) as { uid: number; workspace: string };
    expect(spec.uid).toBeGreaterThan(0);
    expect((await executor.logs(id, "", o)).text).toContain(`${spec.uid}\ndone`);
    await waitFor(() => !fs.existsSync(jobUidLockPath(spec.uid)));
    expect(liveUids().has(spec.uid)).toBe(false);
    expect(fs.existsSync(spec.workspace)).toBe(false);
    expect(fs.existsSync(`/tmp/${marker}`)).toBe(false);
  });
});
