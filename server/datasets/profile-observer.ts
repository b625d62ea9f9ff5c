import type { Readable } from "node:stream";
import { ValidationError } from "@/server/errors";
import type { ChunkObserver } from "@/server/storage/object-store";
import { Profiler } from "./profile";
import { createRowReader, RowReaderError, type Format } from "./rows";
import { Validator, type Rule } from "./validation";

/**
 * Reads the bytes once as they stream past the store: rows parsed, profile and rule checks
 * accumulated. A parse error throws, which fails the store's write, so nothing is kept. Past
 * `inlineLimit` bytes it only watches them go by (the full profile is made after, in the
 * background) and `complete` says so.
 */
export function profileObserver(format: Format, rules: Rule[], inlineLimit = Infinity): ChunkObserver & { result(): { profile: ReturnType<Profiler["result"]>; report: ReturnType<Validator["result"]>; complete: boolean } } {
  const profiler = new Profiler();
  const validator = new Validator(rules);
  const reader = createRowReader(format, {
    columns: (names) => { profiler.columns(names); validator.columns(names); },
    row: (cells, ok, line) => { profiler.row(cells, ok, line); validator.row(cells, ok, line); },
  });
  let seen = 0;
  let complete = true;
  const refusing = (work: () => void) => {
    try {
      work();
    } catch (err) {
      throw err instanceof RowReaderError ? new ValidationError(`Not a valid ${format.toUpperCase()} file: ${err.message}`) : err;
    }
  };
  return {
    chunk(bytes) {
      if (complete && (seen += bytes.length) > inlineLimit) complete = false;
      if (complete) refusing(() => reader.push(bytes));
    },
    end() {
      if (complete) refusing(() => reader.end());
    },
    result: () => ({ profile: profiler.result(), report: validator.result(), complete }),
  };
}

/** A stored object's profile and rule report, read whole (background profiling, new rules). */
export async function profileStored(stream: Readable, format: Format, rules: Rule[]) {
  const observer = profileObserver(format, rules);
  for await (const chunk of stream) observer.chunk(chunk as Buffer);
  observer.end();
  return observer.result();
}
