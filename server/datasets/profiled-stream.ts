import { Transform, type Readable } from "node:stream";
import { pipeline } from "node:stream";
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
  const refuse = (err: unknown) => (err instanceof RowReaderError ? new ValidationError(`Not a valid ${format.toUpperCase()} file: ${err.message}`) : err as Error);
  // A Transform, not an async generator: a gigabyte arrives in tens of thousands of chunks, and
  // a promise per chunk cost a third of the upload's speed.
  const pass = new Transform({
    transform(chunk: Buffer, _enc, done) {
      try {
        // Past the limit the bytes go straight on: the full profile is made after, in the background.
        if (complete && (seen += chunk.length) > inlineLimit) complete = false;
        if (complete) reader.push(chunk);
        done(null, chunk);
      } catch (err) {
        done(refuse(err));
      }
    },
    flush(done) {
      try {
        if (complete) reader.end();
        done();
      } catch (err) {
        done(refuse(err));
      }
    },
  });
  // The source failing (the client went away) fails the pass, and so the store's write.
  pipeline(body, pass, () => {});
  return { stream: pass, result: () => ({ profile: profiler.result(), report: validator.result(), complete }) };
}
