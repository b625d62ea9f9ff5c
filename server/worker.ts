import { closeDb, getDb } from "@/server/db/client";
import { defaultRunnerOptions, startRunnerLoop } from "@/server/runner/runner";

/**
 * `npm run worker`: a second entry point into the same runner (OpenPipe's habit), for running
 * executors on more machines or processes than the web server. Any number may run at once.
 */
const db = await getDb();
const opts = defaultRunnerOptions("worker");
const loop = startRunnerLoop(db, opts);
console.log(`[anvil] worker ${opts.owner} started (poll ${opts.pollMs} ms)`);

async function shutdown(signal: string) {
  console.log(`[anvil] worker received ${signal}: releasing leases`);
  await loop.stop();
  await closeDb();
  process.exit(0);
}
process.once("SIGTERM", () => void shutdown("SIGTERM"));
process.once("SIGINT", () => void shutdown("SIGINT"));
