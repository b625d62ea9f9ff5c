import { getDb } from "@/server/db/client";
import { env } from "@/server/env";
import type { LocalExecutor } from "@/server/executors/local/local-executor";
import { log } from "@/server/log";
import { initializeFromEnv } from "@/server/tenancy/headless-init";
import { defaultRunnerOptions } from "@/server/runner/runner-options";
import { startRunnerLoop } from "@/server/runner/runner";
import { setRunnerWake } from "@/server/runner/wake";

const holder = globalThis as unknown as { __anvilBooted?: boolean };

/** Database first (so the first request never waits on initdb), then the runner loop. */
export async function bootServer(): Promise<void> {
  if (holder.__anvilBooted) return;
  holder.__anvilBooted = true;
  const db = await getDb();
  const init = await initializeFromEnv(db, env);
  if (init === "created") log.info("initialised from ANVIL_INIT_*: organization, admin and API key created", { org: env.ANVIL_INIT_ORG, admin: env.ANVIL_INIT_ADMIN_EMAIL, apiKey: Boolean(env.ANVIL_INIT_API_KEY) });
  if (init === "already-set-up") log.info("ANVIL_INIT_* ignored: the database already has accounts (they apply to an empty database only)");
  if (env.ANVIL_RUNNER === "off") return;
  const opts = defaultRunnerOptions("web");
  const loop = startRunnerLoop(db, opts);
  setRunnerWake(loop.wake);
  log.info("runner started", { owner: opts.owner, pollMs: opts.pollMs });
  const local = opts.executors.local as LocalExecutor;
  const where = { isolation: local.isolation, sandbox: local.sandbox, runsDir: local.runsDir, workspacesDir: local.workspacesDir };
  if (local.isolation === "none") {
    log.warn("local jobs run as this user and can read whatever it can, Anvil's data directory included; install bubblewrap (apt-get install bubblewrap) to sandbox them", where);
  } else {
    log.info(local.isolation === "user" ? `local jobs run under uids of their own${local.sandbox ? ", in a bubblewrap sandbox" : " (install bubblewrap to sandbox them too)"}` : "local jobs run in a bubblewrap sandbox", where);
  }
  const shutdown = () => { void loop.stop(); };
  process.once("SIGTERM", shutdown);
  process.once("SIGINT", shutdown);
}
