import { Readable } from "node:stream";
import { ValidationError } from "@/server/errors";
import { Profiler } from "./profile";
import { createRowReader, RowReaderError, type Format } from "./rows";
import { Validator, type Rule } from "./validation";

/**
 * Reads the bytes once as they stream past: rows parsed, profile and rule checks accumulated,
 * while the same bytes go on to the store. A parse error fails the stream, so the store drops
 * the half-written object.
 */
export function profiledStream(body: Readable, format: Format, rules: Rule[], inlineLimit = Infinity) {
  const profiler = new Profiler();
  const validator = new Validator(rules);
  const reader = createRowReader(format, {
    columns: (names) => { profiler.columns(names); validator.columns(names); },
    row: (cells, ok, line) => { profiler.row(cells, ok, line); validator.row(cells, ok, line); },
  });
  let seen = 0;
  let complete = true;
  async function* pass() {
    try {
      for await (const chunk of body) {
        // Past the limit the bytes go straight on: the full profile is made after, in the background.
        if (complete && (seen += (chunk as Uint8Array).length) > inlineLimit) complete = false;
        if (complete) reader.push(chunk as Uint8Array);
        yield chunk as Uint8Array;
      }
      if (complete) reader.end();
    } catch (err) {
      if (err instanceof RowReaderError) throw new ValidationError(`Not a valid ${format.toUpperCase()} file: ${err.message}`);
      throw err;
    }
  }
  return { stream: Readable.from(pass(), { objectMode: false }), result: () => ({ profile: profiler.result(), report: validator.result(), complete }) };
}

