import { appendFileSync, closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync, writeSync } from "node:fs";
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
    if (this.queue.length > MAX_QUEUED) {
      const oldest = this.queue.splice(0, BATCH * 10);
      try {
        appendLines(this.spoolPath, oldest);
      } catch (err) {
        this.note(`dropped ${oldest.length} points: the server is away and the spool cannot be written (${(err as Error).message})`);
      }
    }
  }

  /** Sends what is spooled, then what is queued, then a heartbeat when one is due. One at a time. */
  flush(): Promise<void> {
    this.busy ??= this.pass().finally(() => { this.busy = null; });
    return this.busy;
  }

  private async pass() {
    const points = this.queue.splice(0, this.queue.length);
    let unsent = points;
    try {
      if (!(await this.resendSpool())) {
        appendLines(this.spoolPath, points); // the server is away: keep them behind the spool
        return;
      }
      unsent = await this.send(points);
      if (unsent.length) appendLines(this.spoolPath, unsent);
      unsent = [];
      if (Date.now() - this.lastBeat > (this.opts.heartbeatEveryMs ?? 30_000)) {
        const beat = await this.transport.request<{ stopRequested?: boolean }>("POST", `/api/v1/runs/${this.runId}/heartbeat`, { attempts: 1 });
        this.stopRequested = Boolean(beat.stopRequested);
        this.lastBeat = Date.now();
      }
    } catch (err) {
      // Never let logging kill training (a full disk, a missed heartbeat): what was not stored
      // goes back on the queue for the next pass.
      if (unsent.length) this.queue.unshift(...unsent);
      if (!(err instanceof Unreachable)) this.note(err instanceof Error ? err.message : String(err));
    }
  }

  private note(message: string) {
    if (this.errors.length < 100) this.errors.push(message);
    console.warn(`anvil: ${message}`);
  }

  /**
   * Sends `points` in batches; returns those not sent because the server is away. A batch the
   * server refuses for good is kept in the rejected file with a warning, and the rest go on.
   */
  private async send(points: MetricPoint[]): Promise<MetricPoint[]> {
    for (let i = 0; i < points.length; i += BATCH) {
      const batch = points.slice(i, i + BATCH);
      try {
        await this.transport.request("POST", `/api/v1/runs/${this.runId}/metrics`, { json: { metrics: batch }, attempts: 3 });
      } catch (err) {
        if (err instanceof Unreachable) return points.slice(i);
        if (!(err instanceof AnvilError)) throw err;
        appendLines(this.rejectedPath, batch);
        this.note(`${err.message} (${batch.length} points kept in ${this.rejectedPath})`);
      }
    }
    return [];
  }

  /**
   * Spooled points, oldest first (replays are deduplicated by the server). Returns false while
   * the server is away, keeping what is left in `.sending`, where newer spooled points join it.
   */
  private async resendSpool(): Promise<boolean> {
    const sending = `${this.spoolPath}.sending`;
    if (existsSync(this.spoolPath)) {
      if (existsSync(sending)) {
        appendFileSync(sending, readFileSync(this.spoolPath));
        rmSync(this.spoolPath);
      } else {
        renameSync(this.spoolPath, sending);
      }
    }
    if (!existsSync(sending)) return true;
    const points: MetricPoint[] = [];
    for (const line of readFileSync(sending, "utf8").split("\n")) {
      // A line cut short by a crash mid-write is skipped, not fatal.
      try { if (line) points.push(JSON.parse(line) as MetricPoint); } catch { /* torn line */ }
    }
    const left = await this.send(points);
    if (left.length === 0) {
      rmSync(sending);
      return true;
    }
    writeFileSync(sending, left.map((p) => JSON.stringify(p)).join("\n") + "\n", { mode: 0o600 });
    return false;
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
