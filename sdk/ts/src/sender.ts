import { appendFileSync, closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from "node:fs";
import path from "node:path";
import { AnvilError, Unreachable, type Transport } from "./transport.js";

export interface MetricPoint { key: string; value: number | string; step: number; timestamp: number }

const BATCH = 1_000;
const MAX_QUEUED = 100_000;

function appendLines(file: string, points: MetricPoint[]) {
  const fd = openSync(file, "a", 0o600);
  try {
    writeSync(fd, points.map((p) => JSON.stringify(p)).join("\n") + "\n");
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Owns one run's queued points. `put` never waits for the network: a timer sends batches in the
 * background; while the server is away they go to an fsync'd spool file that is sent first when
 * it is back, so neither a slow server nor a crash loses what was logged.
 */
export class Sender {
  readonly spoolPath: string;
  readonly rejectedPath: string;
  stopRequested = false;
  readonly errors: string[] = [];
  private queue: MetricPoint[] = [];
  private timer: NodeJS.Timeout;
  private busy: Promise<void> | null = null;
  private lastBeat = 0;

  constructor(private readonly transport: Transport, private readonly runId: string, spoolDir: string,
    private readonly opts: { flushEveryMs?: number; heartbeatEveryMs?: number } = {}) {
    mkdirSync(spoolDir, { recursive: true, mode: 0o700 });
    this.spoolPath = path.join(spoolDir, `${runId}.jsonl`);
    this.rejectedPath = path.join(spoolDir, `${runId}.rejected.jsonl`);
    this.timer = setInterval(() => void this.flush(), opts.flushEveryMs ?? 1_000);
    this.timer.unref();
  }

  put(point: MetricPoint) {
    this.queue.push(point);
    // Memory stays bounded however long the server is away: the oldest points go to disk.
    if (this.queue.length > MAX_QUEUED) appendLines(this.spoolPath, this.queue.splice(0, BATCH * 10));
  }

  /** Sends what is spooled, then what is queued, then a heartbeat when one is due. One at a time. */
  flush(): Promise<void> {
    this.busy ??= this.pass().finally(() => { this.busy = null; });
    return this.busy;
  }

  private async pass() {
    const points = this.queue.splice(0, this.queue.length);
    try {
      await this.resendSpool();
      await this.send(points);
      if (Date.now() - this.lastBeat > (this.opts.heartbeatEveryMs ?? 30_000)) {
        const beat = await this.transport.request<{ stopRequested?: boolean }>("POST", `/api/v1/runs/${this.runId}/heartbeat`, { attempts: 1 });
        this.stopRequested = Boolean(beat.stopRequested);
        this.lastBeat = Date.now();
      }
    } catch (err) {
      if (err instanceof Unreachable) {
        if (points.length) appendLines(this.spoolPath, points.filter((p) => !this.sent.has(p)));
      } else if (err instanceof AnvilError) {
        // Refused for good: kept on disk for the user, never retried (it would block the rest).
        const unsent = points.filter((p) => !this.sent.has(p));
        if (unsent.length) appendLines(this.rejectedPath, unsent);
        this.errors.push(err.message);
        console.warn(`anvil: ${err.message} (points kept in ${this.rejectedPath})`);
      } else {
        throw err;
      }
    } finally {
      this.sent.clear();
    }
  }

  /** Points of the current pass already accepted (a failure half-way spools only the rest). */
  private sent = new Set<MetricPoint>();

  private async send(points: MetricPoint[]) {
    for (let i = 0; i < points.length; i += BATCH) {
      const batch = points.slice(i, i + BATCH);
      await this.transport.request("POST", `/api/v1/runs/${this.runId}/metrics`, { json: { metrics: batch }, attempts: 3 });
      for (const p of batch) this.sent.add(p);
    }
  }

  /** Spooled points, oldest first; the file goes once all are in (replays are deduplicated by the server). */
  private async resendSpool() {
    // `.sending` holds what a pass that failed half-way was resending; newer spooled points join it.
    const sending = `${this.spoolPath}.sending`;
    if (existsSync(this.spoolPath)) {
      if (existsSync(sending)) {
        appendFileSync(sending, readFileSync(this.spoolPath));
        rmSync(this.spoolPath);
      } else {
        renameSync(this.spoolPath, sending);
      }
    }
    if (!existsSync(sending)) return;
    const points = readFileSync(sending, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as MetricPoint);
    for (let i = 0; i < points.length; i += BATCH) {
      await this.transport.request("POST", `/api/v1/runs/${this.runId}/metrics`, { json: { metrics: points.slice(i, i + BATCH) }, attempts: 3 });
    }
    rmSync(sending);
  }

  /** Stops the timer and sends everything, waiting up to `timeoutMs`; what is left stays spooled. */
  async close(timeoutMs: number): Promise<boolean> {
    clearInterval(this.timer);
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      await this.flush();
      if (this.queue.length === 0 && !existsSync(this.spoolPath) && !existsSync(`${this.spoolPath}.sending`)) return true;
      await new Promise((r) => setTimeout(r, 500));
    }
    if (this.queue.length) appendLines(this.spoolPath, this.queue.splice(0));
    return false;
  }
}
