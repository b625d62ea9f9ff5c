import type { Cell } from "./rows";

/**
 * What a dataset version is made of, computed in the one pass that stores it: row count,
 * malformed rows, each column's inferred type and statistics, and the first rows to preview.
 * Validation rules are checked in the same pass (validation.ts) — never a second read.
 */

export type ColumnType = "integer" | "number" | "boolean" | "string" | "empty";

export interface ColumnProfile {
  name: string;
  type: ColumnType;
  /** Non-null values, nulls (empty CSV fields, JSON null, missing keys). */
  count: number;
  nulls: number;
  /** Exact below the cap; `distinctCapped` = at least that many. */
  distinct: number;
  distinctCapped: boolean;
  min?: number | string;
  max?: number | string;
  mean?: number;
  std?: number;
  /** The most frequent values, counted until the column has DISTINCT_CAP distinct ones. */
  top: Array<{ value: string; count: number }>;
}

export interface DatasetProfile {
  rows: number;
  invalidRows: number;
  invalidExamples: number[];
  columns: ColumnProfile[];
  preview: Cell[][];
}

export const PREVIEW_ROWS = 20;
const DISTINCT_CAP = 10_000;
const PREVIEW_CHARS = 200;

/**
 * Text as stored in a profile or report: at most PREVIEW_CHARS (a value can be 1 MiB), and
 * without the NUL and lone surrogates PostgreSQL's jsonb refuses.
 */
export function storable(text: string): string {
  const short = text.length > PREVIEW_CHARS ? `${text.slice(0, PREVIEW_CHARS)}…` : text;
  // eslint-disable-next-line no-control-regex
  return short.replace(/\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, "\ufffd");
}
const storableCell = (c: Cell): Cell => (typeof c === "string" ? storable(c) : c);

class ColumnAcc {
  count = 0;
  nulls = 0;
  ints = 0;
  nums = 0;
  bools = 0;
  strs = 0;
  // Welford's running mean and variance over the numeric values.
  n = 0;
  mean = 0;
  m2 = 0;
  min = Infinity;
  max = -Infinity;
  smin: string | undefined;
  smax: string | undefined;
  // Keyed by the typed value itself: no string made per cell (1 and "1" never meet: cells are typed).
  // A box per value: one hash lookup per cell instead of a get and a set.
  values = new Map<string | number | boolean, { n: number }>();
  capped = false;

  add(v: Cell) {
    if (v === null) { this.nulls++; return; }
    this.count++;
    if (typeof v === "number") {
      if (Number.isInteger(v)) this.ints++; else this.nums++;
      this.n++;
      const d = v - this.mean;
      this.mean += d / this.n;
      this.m2 += d * (v - this.mean);
      if (v < this.min) this.min = v;
      if (v > this.max) this.max = v;
    } else if (typeof v === "boolean") this.bools++;
    else {
      this.strs++;
      if (this.smin === undefined || v < this.smin) this.smin = v;
      if (this.smax === undefined || v > this.smax) this.smax = v;
    }
    // Past the cap the column is high-cardinality (ids, measurements): stop counting values.
    if (this.capped) return;
    // Long texts are counted by their first characters: the map holds no megabyte values.
    const key = typeof v === "string" && v.length > PREVIEW_CHARS ? storable(v) : v;
    const seen = this.values.get(key);
    if (seen !== undefined) seen.n++;
    else if (this.values.size < DISTINCT_CAP) this.values.set(key, { n: 1 });
    else this.capped = true;
  }

  result(name: string): ColumnProfile {
    const type: ColumnType = this.count === 0 ? "empty"
      : this.strs > 0 ? "string"
      : this.bools > 0 ? (this.n > 0 ? "string" : "boolean")
      : this.nums > 0 ? "number" : "integer";
    const numeric = type === "integer" || type === "number";
    const top = [...this.values].sort((a, b) => b[1].n - a[1].n).slice(0, 5).map(([value, count]) => ({ value: storable(String(value)), count: count.n }));
    return {
      name, type, count: this.count, nulls: this.nulls, distinct: this.values.size, distinctCapped: this.capped, top,
      ...(numeric ? { min: this.min, max: this.max, mean: this.mean, std: this.n > 1 ? Math.sqrt(this.m2 / (this.n - 1)) : 0 } : {}),
      ...(type === "string" ? { min: storable(this.smin ?? ""), max: storable(this.smax ?? "") } : {}),
    };
  }
}

export class Profiler {
  private names: string[] = [];
  private accs: ColumnAcc[] = [];
  private rows = 0;
  private invalid = 0;
  private invalidExamples: number[] = [];
  private preview: Cell[][] = [];

  columns(names: string[]) {
    // JSONL discovers keys as it goes: earlier rows lacked the new ones (nulls).
    for (let i = this.names.length; i < names.length; i++) {
      const acc = new ColumnAcc();
      acc.nulls = this.rows;
      this.accs.push(acc);
    }
    this.names = names;
  }

  row(cells: Cell[], ok: boolean, line: number) {
    if (!ok) {
      this.invalid++;
      if (this.invalidExamples.length < 10) this.invalidExamples.push(line);
      return;
    }
    this.rows++;
    for (let i = 0; i < this.accs.length; i++) this.accs[i].add(i < cells.length ? cells[i] : null);
    if (this.preview.length < PREVIEW_ROWS) {
      this.preview.push(cells.map(storableCell));
    }
  }

  result(): DatasetProfile {
    return {
      rows: this.rows, invalidRows: this.invalid, invalidExamples: this.invalidExamples,
      columns: this.accs.map((a, i) => a.result(this.names[i])), preview: this.preview.map((r) => this.names.map((_, i) => r[i] ?? null)),
    };
  }
}
