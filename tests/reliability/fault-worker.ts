/**
 * A runner process for crash tests: `server/worker.ts` plus a fault hook. ANVIL_TEST_FAULT is
 * JSON {point, action: "kill" | "stop", nth?, marker}: at the nth time the runner reaches `point`
 * it appends the point's name to `marker` (so the test can assert it fired), then SIGKILLs or
 * SIGSTOPs itself right there.
 */
import fs from "node:fs";
import { getDb } from "@/server/db/client";
import { log } from "@/server/log";
import { startRunnerLoop, type FaultPoint } from "@/server/runner/runner";
import { defaultRunnerOptions } from "@/server/runner/runner-options";

const fault = JSON.parse(process.env.ANVIL_TEST_FAULT ?? "null") as { point: FaultPoint; action: "kill" | "stop"; nth?: number; marker: string } | null;
let seen = 0;

const db = await getDb();
const opts = defaultRunnerOptions("worker");
opts.faultPoint = (point) => {
  if (!fault || point !== fault.point || ++seen !== (fault.nth ?? 1)) return;
  fs.appendFileSync(fault.marker, `${point}\n`);
  process.kill(process.pid, fault.action === "kill" ? "SIGKILL" : "SIGSTOP");
};
const loop = startRunnerLoop(db, opts);
log.info("worker started", { owner: opts.owner });
process.once("SIGTERM", () => void loop.stop().then(() => process.exit(0)));
