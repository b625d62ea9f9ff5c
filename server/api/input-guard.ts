import { ValidationError } from "@/server/errors";

/**
 * Checks every input before any procedure or route sees it: PostgreSQL text cannot hold NUL,
 * and one JSON body must not be able to make a statement with more than 65,535 parameters or
 * nest deep enough to exhaust the stack. Each problem is a 400 naming where it was found.
 */
export const INPUT_LIMITS = {
  /** Keys of one object, and items of one array (param, tag and hyperparameter maps among them). */
  maxEntries: 10_000,
  maxDepth: 32,
} as const;

export function assertCleanInput(value: unknown, where = "input", depth = 0): void {
  if (depth > INPUT_LIMITS.maxDepth) throw new ValidationError(`${where}: nested deeper than ${INPUT_LIMITS.maxDepth} levels`);
  if (typeof value === "string") {
    if (value.includes("\u0000")) throw new ValidationError(`${where}: text must not contain NUL (\\u0000) characters`);
    return;
  }
  if (Array.isArray(value)) {
    if (value.length > INPUT_LIMITS.maxEntries) throw new ValidationError(`${where}: more than ${INPUT_LIMITS.maxEntries} items`);
    value.forEach((item, i) => assertCleanInput(item, `${where}[${i}]`, depth + 1));
    return;
  }
  if (value !== null && typeof value === "object" && !(value instanceof Date)) {
    const entries = Object.entries(value);
    if (entries.length > INPUT_LIMITS.maxEntries) throw new ValidationError(`${where}: more than ${INPUT_LIMITS.maxEntries} keys`);
    for (const [key, item] of entries) {
      if (key.includes("\u0000")) throw new ValidationError(`${where}: a key contains a NUL (\\u0000) character`);
      assertCleanInput(item, `${where}.${key.slice(0, 60)}`, depth + 1);
    }
  }
}

/** Reads a request body with a running cap: never more than `maxBytes` in memory, chunked or not. */
export async function readCapped(req: Request, maxBytes: number): Promise<Uint8Array<ArrayBuffer>> {
  const declared = req.headers.get("content-length");
  if (declared !== null && Number(declared) > maxBytes) throw new PayloadTooLargeError(maxBytes);
  if (!req.body) return new Uint8Array();
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      throw new PayloadTooLargeError(maxBytes);
    }
    chunks.push(value);
  }
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

export class PayloadTooLargeError extends ValidationError {
  readonly status = 413;
  constructor(maxBytes: number) { super(`body larger than ${maxBytes} bytes`); }
}
