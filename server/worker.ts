import { closeDb, getDb } from "@/server/db/client";
import { log } from "@/server/log";
import { startRunnerLoop } from "@/server/runner/runner";
import { defaultRunnerOptions } from "@/server/runner/runner-options";

/**
 * `npm run worker`: a second entry point into the same runner (OpenPipe's habit), for running
 * executors on more machines or processes than the web server. Any number may run at once.
 */
const db = await getDb();
const opts = defaultRunnerOptions("worker");
const loop = startRunnerLoop(db, opts);
log.info("worker started", { owner: opts.owner, pollMs: opts.pollMs });

async function shutdown(signal: string) {
  log.info("worker stopping: releasing leases", { signal });
  await loop.stop();
  await closeDb();
  process.exit(0);
}
process.once("SIGTERM", () => void shutdown("SIGTERM"));
process.once("SIGINT", () => void shutdown("SIGINT"));
