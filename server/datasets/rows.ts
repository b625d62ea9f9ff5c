/**
 * Incremental readers for CSV (RFC 4180: quoted fields, doubled quotes, newlines inside quotes,
 * CRLF or LF) and JSON Lines: bytes go in chunk by chunk, rows come out, nothing is buffered
 * beyond the row being read — so a 2 GB upload is parsed as it streams past.
 */

export type Format = "csv" | "jsonl";
export type Cell = string | number | boolean | null;

export interface RowSink {
  /** The column names, once known (CSV: the header; JSONL: grows as new keys appear). */
  columns(names: string[]): void;
  /** One data row, aligned with the columns; `ok` false = malformed (wrong width, not JSON). */
  row(cells: Cell[], ok: boolean, line: number): void;
}

const MAX_COLUMNS = 1000;
/** A single field (or JSON line) longer than this is refused: no legitimate table needs it. */
const MAX_FIELD = 1 << 20;

export class RowReaderError extends Error {}

export function createRowReader(format: Format, sink: RowSink) {
  return format === "csv" ? csvReader(sink) : jsonlReader(sink);
}

/** A CSV cell as a value: empty → null, numbers and booleans typed, the rest text. */
// Plain decimals only: "0x1F", "007", "+5" and ids past 2^53 stay text (Number() would change them).
const DECIMAL = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

export function csvCell(raw: string): Cell {
  if (raw === "") return null;
  const c = raw.charCodeAt(0);
  if (((c >= 48 && c <= 57) || c === 45) && DECIMAL.test(raw)) {
    const n = Number(raw);
    if (Number.isFinite(n) && (!Number.isInteger(n) || Number.isSafeInteger(n))) return n;
  }
  if (raw === "true" || raw === "TRUE" || raw === "True") return true;
  if (raw === "false" || raw === "FALSE" || raw === "False") return false;
  return raw;
}

function csvReader(sink: RowSink) {
  const decoder = new TextDecoder("utf-8");
  let field = "";
  let fields: string[] = [];
  let quoted = false; // inside a quoted field
  let afterQuote = false; // just read a quote inside a quoted field (maybe the first of "")
  let header: string[] | null = null;
  let line = 1;
  let rowLine = 1;
  let bom = true;

  const endRow = () => {
    fields.push(field);
    field = "";
    const cells = fields;
    fields = [];
    if (cells.length === 1 && cells[0] === "") return; // blank line
    if (!header) {
      if (cells.length > MAX_COLUMNS) throw new RowReaderError(`more than ${MAX_COLUMNS} columns`);
      header = cells.map((c, i) => c.trim() || `column_${i + 1}`);
      sink.columns(header);
      return;
    }
    sink.row(cells.map(csvCell), cells.length === header.length, rowLine);
  };

  const feed = (text: string) => {
    if (bom) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      bom = text.length === 0;
    }
    let start = 0; // start of the unquoted run being accumulated
    for (let i = 0; i < text.length; i++) {
      const ch = text.charCodeAt(i);
      if (quoted) {
        if (afterQuote) {
          afterQuote = false;
          if (ch === 34) { field += '"'; start = i + 1; continue; } // "" → "
          quoted = false; // the quote closed the field; fall through to unquoted handling
        } else if (ch === 34) {
          field += text.slice(start, i);
          start = i + 1;
          afterQuote = true;
          continue;
        } else {
          if (ch === 10) line++;
          continue;
        }
      }
      if (ch === 44 || ch === 10 || ch === 13) {
        field += text.slice(start, i);
        if (ch === 44) {
          // A row far wider than any table (a line of commas): refused before it eats memory.
          if (fields.length >= MAX_COLUMNS) throw new RowReaderError(`line ${rowLine} has more than ${MAX_COLUMNS} fields`);
          fields.push(field);
          field = "";
        }
        else if (ch === 10) { endRow(); line++; rowLine = line; }
        // \r: ignored (CRLF); a lone \r inside a row is dropped
        start = i + 1;
        continue;
      }
      if (ch === 34 && field === "" && start === i) { quoted = true; start = i + 1; continue; }
    }
    field += text.slice(start);
    if (field.length > MAX_FIELD) throw new RowReaderError(`a field on line ${line} is longer than ${MAX_FIELD} characters`);
  };

  return {
    push(chunk: Uint8Array) { feed(decoder.decode(chunk, { stream: true })); },
    end() {
      feed(decoder.decode());
      if (quoted && !afterQuote) throw new RowReaderError(`a quoted field opened on line ${rowLine} is never closed`);
      if (field !== "" || fields.length > 0) endRow();
      if (!header) throw new RowReaderError("the file is empty: a CSV dataset needs a header row");
    },
  };
}

function jsonlReader(sink: RowSink) {
  const decoder = new TextDecoder("utf-8");
  const columns: string[] = [];
  const index = new Map<string, number>();
  let rest = "";
  let line = 0;

  const take = (text: string) => {
    line++;
    const trimmed = text.trim();
    if (trimmed === "") return;
    let value: unknown;
    try {
      value = JSON.parse(trimmed);
    } catch {
      sink.row([], false, line);
      return;
    }
    if (value === null || typeof value !== "object" || Array.isArray(value)) { sink.row([], false, line); return; }
    let grew = false;
    for (const key of Object.keys(value)) {
      if (!index.has(key)) {
        if (columns.length >= MAX_COLUMNS) throw new RowReaderError(`more than ${MAX_COLUMNS} distinct keys`);
        index.set(key, columns.length);
        columns.push(key);
        grew = true;
      }
    }
    if (grew) sink.columns([...columns]);
    const cells: Cell[] = new Array(columns.length).fill(null);
    for (const [key, v] of Object.entries(value)) {
      cells[index.get(key)!] = v === null || typeof v === "number" || typeof v === "boolean" || typeof v === "string" ? v : JSON.stringify(v);
    }
    sink.row(cells, true, line);
  };

  return {
    push(chunk: Uint8Array) {
      const text = rest + decoder.decode(chunk, { stream: true });
      let from = 0;
      for (let nl = text.indexOf("\n"); nl >= 0; nl = text.indexOf("\n", from)) {
        take(text.slice(from, nl));
        from = nl + 1;
      }
      rest = text.slice(from);
      if (rest.length > MAX_FIELD) throw new RowReaderError(`line ${line + 1} is longer than ${MAX_FIELD} characters`);
    },
    end() {
      const tail = rest + decoder.decode();
      if (tail.trim() !== "") take(tail);
      if (columns.length === 0) throw new RowReaderError("no JSON object on any line: a JSONL dataset has one object per line");
    },
  };
}
