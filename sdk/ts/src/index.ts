/**
 * Anvil from TypeScript or JavaScript: start a run (or attach to the Anvil job you run in), log
 * metrics without ever waiting for the network, params, tags and artifacts, and finish it.
 *
 *   import { init } from "@anvil/sdk";
 *   const run = await init({ project: "vision", experiment: "resnet", params: { lr: 0.01 } });
 *   for (let step = 0; step < 1000; step++) run.log({ loss: 1 / (step + 1) }, step);
 *   await run.finish();
 */
import { createReadStream, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { Sender } from "./sender.js";
import { AnvilError, Transport } from "./transport.js";

export { AnvilError, Unreachable } from "./transport.js";

export type RunEndStatus = "FINISHED" | "FAILED" | "KILLED";

export interface InitOptions {
  /** Default: $ANVIL_URL, else http://localhost:3000. */
  url?: string;
  /** Default: $ANVIL_API_KEY. Not needed inside an Anvil job (its run token is used). */
  apiKey?: string;
  project?: string;
  experiment?: string;
  name?: string;
  params?: Record<string, string | number | boolean>;
  tags?: Record<string, string>;
  /** Seconds without a heartbeat before Anvil marks the run crashed; null = never. Default 300. */
  heartbeatTimeout?: number | null;
  /** Where points wait while the server is away. Default ~/.anvil/spool. */
  spoolDir?: string;
  flushEveryMs?: number;
}

const toValue = (v: number) => (Number.isNaN(v) ? "NaN" : v === Infinity ? "Infinity" : v === -Infinity ? "-Infinity" : v);
const stringify = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, String(v)]));

export class Run {
  private finished = false;
  private readonly sender: Sender;

  constructor(private readonly transport: Transport, readonly id: string, readonly name: string, readonly url: string | null,
    spoolDir: string, private readonly owned: boolean, flushEveryMs?: number) {
    this.sender = new Sender(transport, id, spoolDir, { flushEveryMs });
  }

  /** True once someone pressed Stop for this run in Anvil: end training early. */
  get stopRequested() { return this.sender.stopRequested; }
  /** Messages of batches Anvil refused (kept on disk, see the warning printed). */
  get errors(): readonly string[] { return this.sender.errors; }

  /** Queues one point per key at `step`; returns at once. */
  log(metrics: Record<string, number>, step: number): void {
    const timestamp = Date.now();
    for (const [key, value] of Object.entries(metrics)) this.sender.put({ key, value: toValue(Number(value)), step: Math.trunc(step), timestamp });
  }

  async logParams(params: Record<string, string | number | boolean>): Promise<void> {
    await this.transport.request("POST", `/api/v1/runs/${this.id}/params`, { json: { params: stringify(params) } });
  }

  async setTags(tags: Record<string, string>): Promise<void> {
    await this.transport.request("POST", `/api/v1/runs/${this.id}/tags`, { json: { tags: stringify(tags) } });
  }

  /** Uploads a local file as the artifact `name` (default: its file name), streamed from disk. */
  async logArtifact(localPath: string, name = path.basename(localPath), contentType = "application/octet-stream") {
    statSync(localPath); // a missing file fails here, with its path in the message
    const quoted = name.split("/").map(encodeURIComponent).join("/");
    const body = Readable.toWeb(createReadStream(localPath)) as ReadableStream<Uint8Array>;
    return this.transport.request<{ path: string; size: number; sha256: string }>("PUT", `/api/v1/runs/${this.id}/artifacts/${quoted}`, { body, contentType, attempts: 1 });
  }

  /** Sends everything queued now (the background timer does it every second anyway). */
  flush(): Promise<void> { return this.sender.flush(); }

  /** Sends every point (waiting up to `timeoutMs`) and reports how the run ended. */
  async finish(status: RunEndStatus = "FINISHED", timeoutMs = 60_000): Promise<void> {
    if (this.finished) return;
    this.finished = true;
    const sentAll = await this.sender.close(timeoutMs);
    if (this.owned) {
      try {
        await this.transport.request("PATCH", `/api/v1/runs/${this.id}`, { json: { status } });
      } catch (err) {
        console.warn(`anvil: could not mark run ${this.id} ${status}: ${(err as Error).message}`);
      }
    }
    if (!sentAll) console.warn(`anvil: some points could not be sent yet; they are kept in ${this.sender.spoolPath}`);
  }
}

/** Starts a run, or attaches to the run of the Anvil job this process runs in. */
export async function init(opts: InitOptions = {}): Promise<Run> {
  const url = opts.url ?? process.env.ANVIL_URL ?? "http://localhost:3000";
  const spoolDir = opts.spoolDir ?? path.join(os.homedir(), ".anvil", "spool");
  const jobRun = process.env.ANVIL_RUN_ID;
  const jobToken = process.env.ANVIL_RUN_TOKEN;
  let run: Run;
  if (jobRun && jobToken && !opts.apiKey) {
    run = new Run(new Transport({ url, token: jobToken }), jobRun, opts.name ?? jobRun, null, spoolDir, false, opts.flushEveryMs);
  } else {
    const key = opts.apiKey ?? process.env.ANVIL_API_KEY;
    if (!key) throw new AnvilError(401, "set ANVIL_API_KEY (Settings → API keys) or pass apiKey");
    const transport = new Transport({ url, token: key });
    const created = await transport.request<{ id: string; name: string; url?: string }>("POST", "/api/v1/runs", {
      attempts: 6,
      json: {
        project: opts.project ?? "Default", experiment: opts.experiment ?? "Default", heartbeatTimeout: opts.heartbeatTimeout === undefined ? 300 : opts.heartbeatTimeout,
        ...(opts.name ? { name: opts.name } : {}), ...(opts.params ? { params: stringify(opts.params) } : {}), ...(opts.tags ? { tags: stringify(opts.tags) } : {}),
      },
    });
    run = new Run(transport, created.id, created.name, created.url ?? null, spoolDir, true, opts.flushEveryMs);
  }
  // A script that ends without finish() still sends its points and ends its run.
  process.once("beforeExit", () => void run.finish());
  return run;
}
