import { RemoteCallError } from "./types";

export interface HttpReply { status: number; text: string; contentType: string }

/**
 * One HTTP call to a foreign system, with every way it can go wrong turned into a
 * RemoteCallError that names the system and what to do: refused connection, timeout, abort.
 * Replies of any status are returned; callers decide what a status means.
 */
export async function httpCall(system: string, url: string, init: RequestInit & { signal: AbortSignal; timeoutMs?: number }): Promise<HttpReply> {
  const signal = AbortSignal.any([init.signal, AbortSignal.timeout(init.timeoutMs ?? 15_000)]);
  let res: Response;
  try {
    res = await fetch(url, { ...init, signal, redirect: "manual" });
  } catch (err) {
    if (init.signal.aborted) throw init.signal.reason instanceof Error ? init.signal.reason : new Error("aborted");
    if (signal.aborted) throw new RemoteCallError("timeout", `${system} at ${origin(url)} did not answer within ${Math.round((init.timeoutMs ?? 15_000) / 1000)} s`);
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    throw new RemoteCallError("unreachable", `cannot reach ${system} at ${origin(url)} (${cause?.code ?? cause?.message ?? (err as Error).message})`);
  }
  let text: string;
  try {
    text = await res.text();
  } catch {
    if (init.signal.aborted) throw init.signal.reason instanceof Error ? init.signal.reason : new Error("aborted");
    throw new RemoteCallError("timeout", `${system} at ${origin(url)} stopped sending its answer`);
  }
  return { status: res.status, text, contentType: res.headers.get("content-type") ?? "" };
}

/** A JSON body, or a protocol error quoting the start of whatever came instead. */
export function parseJsonReply<T>(system: string, url: string, reply: HttpReply): T {
  try {
    return JSON.parse(reply.text) as T;
  } catch {
    // Only its type and size: a registered address could point at any internal service, and
    // its content must not come back through the cluster's error message.
    const kind = reply.contentType.split(";")[0] || "no content type";
    throw new RemoteCallError("protocol", `${system} at ${origin(url)} answered ${reply.status} with something that is not JSON (${kind}, ${Buffer.byteLength(reply.text)} bytes): is this address really ${system}?`);
  }
}

/** The first line of an error body (Ray's are Python tracebacks in plain text), bounded. */
export function snippet(text: string, max = 200): string {
  const trimmed = text.trim();
  const lines = trimmed.split("\n").map((l) => l.trim()).filter(Boolean);
  // A traceback's last line says what happened; anything else, its first.
  const line = lines[0]?.startsWith("Traceback") ? lines[lines.length - 1] : (lines[0] ?? "");
  const out = line || "(empty body)";
  return out.length > max ? `${out.slice(0, max)}…` : out;
}

function origin(url: string): string {
  try { return new URL(url).origin; } catch { return url; }
}
