// Zero-dependency Anvil client for Node >= 20: global fetch, node:fs streams, nothing else,
// so a training script can copy this one file next to itself and log to Anvil.
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";

const MAX_POINTS_PER_REQUEST = 10_000; // server limit per metrics request
// JSON calls are small, so a hung connection is a fault worth retrying; uploads get no
// deadline because a large file on a slow link legitimately takes a long time.
const JSON_TIMEOUT_MS = 30_000;

/** Error raised for a failed Anvil call; `retryable` says whether trying again later may help. */
export class AnvilError extends Error {
  constructor(message, { status, code, retryable, cause } = {}) {
    super(message, { cause });
    this.name = "AnvilError";
    this.status = status;
    this.code = code;
    this.retryable = Boolean(retryable);
  }
}

export class AnvilRun {
  /** The run the platform started this process for, or null when running standalone. */
  static fromEnv(env = process.env) {
    const { ANVIL_URL: url, ANVIL_RUN_ID: runId, ANVIL_RUN_TOKEN: token } = env;
    if (!runId || !token) return null;
    if (!url) throw new Error("ANVIL_RUN_ID is set but ANVIL_URL is not");
    return new AnvilRun({ url, runId, token });
  }

  constructor({
    url,
    runId,
    token,
    maxAttempts = 5,
    retryBaseMs = 200,
    flushIntervalMs = 1_000,
    flushPoints = 1_000,
  }) {
    if (!url || !runId || !token) throw new TypeError("AnvilRun needs url, runId and token");
    this.runId = String(runId);
    this._base = `${String(url).replace(/\/+$/, "")}/api/v1/runs/${encodeURIComponent(this.runId)}`;
    this._token = token;
    this._maxAttempts = maxAttempts;
    this._retryBaseMs = retryBaseMs;
    this._flushIntervalMs = flushIntervalMs;
    this._flushPoints = flushPoints;
    this._buffer = [];
    this._timer = null;
    this._inflight = null; // the one drain in progress, so batches go out in order
    this._dropped = null; // first error of a batch the server refused (4xx), thrown by the next flush()
    this._finished = false;
  }

  /** Buffer one value per key at `step`; sent within ~1 s or once 1,000 points are waiting. */
  log(metrics, step) {
    if (this._finished) throw new Error("log() called after finish()");
    if (!Number.isSafeInteger(step) || step < 0) {
      throw new TypeError(`step must be an integer >= 0, got ${step}`);
    }
    const timestamp = Date.now();
    // Validate every value before buffering any, so a bad call leaves the buffer untouched
    // and no point can get a later batch rejected by the server.
    const points = Object.entries(metrics).map(([key, value]) => {
      if (!key) throw new TypeError("metric key must be a non-empty string");
      if (typeof value !== "number") throw new TypeError(`metric "${key}" is not a number: ${value}`);
      return { key, value: encodeNumber(value), step, timestamp };
    });
    this._buffer.push(...points);
    if (this._buffer.length >= this._flushPoints) {
      // A drain already in flight keeps going until the buffer is empty.
      if (!this._inflight) this._flushInBackground();
    } else if (!this._timer && this._buffer.length > 0) {
      // Deliberately not unref()'d: a script that forgets finish() still gets its last
      // points sent before Node exits, and no timer exists while the buffer is empty.
      this._timer = setTimeout(() => this._flushInBackground(), this._flushIntervalMs);
    }
  }

  /** Send everything buffered so far. Rejects if points could not be delivered. */
  async flush() {
    this._clearTimer();
    let failure = null;
    try {
      await this._drainAll();
    } catch (err) {
      failure = err;
    }
    const dropped = this._dropped;
    this._dropped = null;
    if (dropped || failure) throw dropped ?? failure;
  }

  /** Flush and stop the timer. Safe to call more than once. */
  async finish() {
    this._finished = true;
    await this.flush();
  }

  logParams(params) {
    return this._json("POST", "/params", { params });
  }

  setTags(tags) {
    return this._json("POST", "/tags", { tags });
  }

  uploadArtifact(path, data, contentType = "application/octet-stream") {
    const body = typeof data === "string" ? Buffer.from(data, "utf8") : data;
    return this._send("PUT", artifactPath(path), {
      headers: { "content-type": contentType },
      body: () => body,
    });
  }

  /** An artifact of this run, as a Buffer (e.g. the checkpoint a resumed job starts from). */
  async downloadArtifact(path) {
    const res = await fetch(this._base + artifactPath(path), { headers: { authorization: `Bearer ${this._token}` } });
    if (!res.ok) {
      const { code, message } = parseError(await res.text(), res.statusText);
      throw new AnvilError(`Anvil GET artifact ${path} failed (${res.status} ${code}): ${message}`, { status: res.status, code });
    }
    return Buffer.from(await res.arrayBuffer());
  }

  /** Upload a local file as a stream, so large checkpoints never sit in memory. */
  async uploadFile(path, localFile, contentType = "application/octet-stream") {
    const { size } = await stat(localFile);
    return this._send("PUT", artifactPath(path), {
      headers: { "content-type": contentType, "content-length": String(size) },
      // A stream is consumed by one attempt, so every retry opens the file again.
      body: () => createReadStream(localFile),
    });
  }

  _clearTimer() {
    clearTimeout(this._timer);
    this._timer = null;
  }

  _flushInBackground() {
    this._clearTimer();
    // Retryable failures leave the points buffered for the next flush(); rejected batches
    // are recorded in _dropped by _drain, so nothing is lost silently.
    this._drainAll().catch(() => {});
  }

  async _drainAll() {
    // Loop because points may be logged while the previous drain's last request was in flight.
    do {
      this._inflight ??= this._drain().finally(() => {
        this._inflight = null;
      });
      await this._inflight;
    } while (this._buffer.length > 0);
  }

  async _drain() {
    while (this._buffer.length > 0) {
      const batch = this._buffer.splice(0, MAX_POINTS_PER_REQUEST);
      try {
        await this._json("POST", "/metrics", { metrics: batch });
      } catch (err) {
        if (err.retryable) {
          // Put the batch back in front; resending is safe because the server dedupes.
          this._buffer.unshift(...batch);
          throw err;
        }
        // The server will never accept this batch; keep going with the rest.
        this._dropped ??= err;
      }
    }
  }

  _json(method, path, payload) {
    const body = JSON.stringify(payload);
    return this._send(method, path, {
      headers: { "content-type": "application/json" },
      body: () => body,
      timeoutMs: JSON_TIMEOUT_MS,
    });
  }

  /** One call with retries on network errors, 429 and 5xx; returns the parsed JSON reply. */
  async _send(method, path, { headers, body, timeoutMs }) {
    const what = `${method} ${path}`;
    for (let attempt = 1; ; attempt++) {
      let res, text, failure;
      try {
        res = await fetch(this._base + path, {
          method,
          headers: { ...headers, authorization: `Bearer ${this._token}` },
          body: body(),
          duplex: "half", // required by fetch for stream bodies, harmless for buffers
          signal: timeoutMs ? AbortSignal.timeout(timeoutMs) : undefined,
        });
        text = await res.text();
      } catch (err) {
        failure = new AnvilError(`Anvil ${what} failed: ${err.cause?.message ?? err.message}`, {
          retryable: true,
          cause: err,
        });
      }
      if (!failure && res.ok) return text ? JSON.parse(text) : {};
      if (!failure) {
        const { code, message } = parseError(text, res.statusText);
        failure = new AnvilError(`Anvil ${what} failed (${res.status} ${code}): ${message}`, {
          status: res.status,
          code,
          retryable: res.status === 429 || res.status >= 500,
        });
      }
      if (!failure.retryable || attempt >= this._maxAttempts) throw failure;
      // Exponential backoff with jitter so many jobs hitting a restarting server spread out.
      await sleep(this._retryBaseMs * 2 ** (attempt - 1) * (0.5 + Math.random()));
    }
  }
}

/** JSON has no NaN/Infinity, so the API takes them as these strings. */
function encodeNumber(value) {
  if (Number.isNaN(value)) return "NaN";
  if (value === Infinity) return "Infinity";
  if (value === -Infinity) return "-Infinity";
  return value;
}

function artifactPath(path) {
  const segments = String(path).split("/");
  // fetch would silently resolve "." and "..", writing somewhere other than asked.
  if (segments.some((s) => s === "" || s === "." || s === "..")) {
    throw new TypeError(`invalid artifact path "${path}"`);
  }
  return `/artifacts/${segments.map(encodeURIComponent).join("/")}`;
}

function parseError(text, fallback) {
  try {
    const { error } = JSON.parse(text);
    if (error?.message) return { code: error.code ?? "ERROR", message: error.message };
  } catch {
    // Not our JSON error shape (e.g. a proxy's HTML page): fall through to the raw text.
  }
  return { code: "ERROR", message: text.slice(0, 200) || fallback };
}
