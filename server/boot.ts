import { getDb } from "@/server/db/client";
import { env } from "@/server/env";
import { log } from "@/server/log";
import { defaultRunnerOptions } from "@/server/runner/runner-options";
import { startRunnerLoop } from "@/server/runner/runner";
import { setRunnerWake } from "@/server/runner/wake";

const holder = globalThis as unknown as { __anvilBooted?: boolean };

/** Database first (so the first request never waits on initdb), then the runner loop. */
export async function bootServer(): Promise<void> {
  if (holder.__anvilBooted) return;
  holder.__anvilBooted = true;
  const db = await getDb();
  if (env.ANVIL_RUNNER === "off") return;
  const opts = defaultRunnerOptions("web");
  const loop = startRunnerLoop(db, opts);
  setRunnerWake(loop.wake);
  log.info("runner started", { owner: opts.owner, pollMs: opts.pollMs });
  const shutdown = () => { void loop.stop(); };
  process.once("SIGTERM", shutdown);
  process.once("SIGINT", shutdown);
}
