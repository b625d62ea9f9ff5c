/**
 * Structured logs: one JSON object per line (level, time, msg, fields), as log collectors and
 * self-hosters expect. Errors are serialised with their stack and cause. `ANVIL_LOG_LEVEL`
 * (debug | info | warn | error) filters. Kept free of other server imports so everything can use it.
 */

type Level = "debug" | "info" | "warn" | "error";
const RANK: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

function threshold(): number {
  const configured = process.env.ANVIL_LOG_LEVEL as Level | undefined;
  return RANK[configured ?? "info"] ?? RANK.info;
}

/** Long enough for any real message; short enough that a failed query does not print its data. */
const MAX_MESSAGE = 1_000;
const clip = (s: string | undefined) => (s && s.length > MAX_MESSAGE ? `${s.slice(0, MAX_MESSAGE)}… (${s.length} chars)` : s);

export function serializeError(err: unknown, depth = 0): unknown {
  if (!(err instanceof Error)) return err;
  const extra = err as Error & { code?: unknown; cause?: unknown };
  const stack = err.stack?.split("\n").filter((l) => /^\s+at /.test(l)).slice(0, 12).join("\n");
  return {
    name: err.name, message: clip(err.message), stack,
    ...(extra.code !== undefined ? { code: extra.code } : {}),
    ...(extra.cause !== undefined && depth < 3 ? { cause: serializeError(extra.cause, depth + 1) } : {}),
  };
}

function write(level: Level, msg: string, fields: Record<string, unknown> = {}): void {
  if (RANK[level] < threshold()) return;
  const entry: Record<string, unknown> = { level, time: new Date().toISOString(), msg };
  for (const [key, value] of Object.entries(fields)) entry[key] = value instanceof Error ? serializeError(value) : value;
  let line: string;
  try {
    line = JSON.stringify(entry);
  } catch {
    line = JSON.stringify({ level, time: entry.time, msg, note: "fields could not be serialised" });
  }
  (RANK[level] >= RANK.warn ? process.stderr : process.stdout).write(`${line}\n`);
}

export const log = {
  debug: (msg: string, fields?: Record<string, unknown>) => write("debug", msg, fields),
  info: (msg: string, fields?: Record<string, unknown>) => write("info", msg, fields),
  warn: (msg: string, fields?: Record<string, unknown>) => write("warn", msg, fields),
  error: (msg: string, fields?: Record<string, unknown>) => write("error", msg, fields),
};
