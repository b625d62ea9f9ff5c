import { z } from "zod";
import { createHash } from "node:crypto";
import { storable } from "./profile";
import type { Cell } from "./rows";

type UniqueTest = ((v: Cell) => boolean) & { full?: () => boolean };
const hashText = (v: string) => `#${createHash("sha1").update(v).digest("base64")}`;

/** Expectations on a dataset's columns, checked in the pass that reads it; a report per rule. */

const column = z.string().trim().min(1).max(200);
export const ruleSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("not_null"), column }),
  z.object({ kind: z.literal("range"), column, min: z.number().optional(), max: z.number().optional() })
    .refine((r) => r.min !== undefined || r.max !== undefined, "A range needs a min, a max or both")
    .refine((r) => r.min === undefined || r.max === undefined || r.min <= r.max, "min is above max"),
  z.object({ kind: z.literal("allowed"), column, values: z.array(z.string().max(200)).min(1).max(1000) }),
  z.object({ kind: z.literal("unique"), column }),
]);
export const rulesSchema = z.array(ruleSchema).max(100);
export type Rule = z.infer<typeof ruleSchema>;

export interface RuleResult {
  rule: Rule;
  passed: boolean;
  /** Rows breaking the rule, and the first few (line number, value). */
  failures: number;
  examples: Array<{ line: number; value: Cell }>;
  /** Why the rule could not be checked (its column is not in the data). */
  error?: string;
}

interface Check { rule: Rule; index: number; failures: number; examples: Array<{ line: number; value: Cell }>; test: (v: Cell) => boolean; unchecked?: string }

/** Distinct values a uniqueness check remembers; past it the rule says it was not checked in full. */
const UNIQUE_CAP = 5_000_000;

export class Validator {
  private checks: Check[] = [];
  private names: string[] = [];
  private rows = 0;

  constructor(private readonly rules: Rule[]) {}

  columns(names: string[]) {
    this.names = names;
    this.checks = this.rules.map((rule, i) => this.checks[i] ?? { rule, index: -1, failures: 0, examples: [], test: testFor(rule) });
    for (const c of this.checks) {
      const index = names.indexOf(c.rule.column);
      // A JSONL key first seen now: the rows before lacked it (empty).
      if (c.index < 0 && index >= 0 && c.rule.kind === "not_null") c.failures += this.rows;
      c.index = index;
    }
  }

  row(cells: Cell[], ok: boolean, line: number) {
    if (!ok) return;
    this.rows++;
    for (const c of this.checks) {
      if (c.index < 0) continue;
      const v = c.index < cells.length ? cells[c.index] : null;
      if (c.test(v)) continue;
      c.failures++;
      if (c.examples.length < 5) c.examples.push({ line, value: typeof v === "string" ? storable(v) : v });
    }
  }

  result(): RuleResult[] {
    return this.rules.map((rule, i) => {
      const c = this.checks[i];
      if (!c || c.index < 0) return { rule, passed: false, failures: 0, examples: [], error: `no column "${rule.column}" (columns: ${this.names.slice(0, 10).join(", ")})` };
      const unchecked = c.rule.kind === "unique" && (c.test as UniqueTest).full?.() ? `checked for the first ${UNIQUE_CAP.toLocaleString("en")} distinct values only` : undefined;
      return { rule, passed: c.failures === 0, failures: c.failures, examples: c.examples, ...(unchecked ? { error: unchecked } : {}) };
    });
  }
}

function testFor(rule: Rule): (v: Cell) => boolean {
  switch (rule.kind) {
    case "not_null": return (v) => v !== null && v !== "";
    case "range": return (v) => v === null || (typeof v === "number" && (rule.min === undefined || v >= rule.min) && (rule.max === undefined || v <= rule.max));
    case "allowed": {
      const allowed = new Set(rule.values);
      return (v) => v === null || allowed.has(String(v));
    }
    case "unique": {
      const seen = new Set<string | number | boolean>();
      const test: UniqueTest = (v) => {
        if (v === null) return true;
        const key = typeof v === "string" && v.length > 64 ? hashText(v) : v;
        // One hash lookup per value while under the cap: a value already there leaves the size as it was.
        if (seen.size < UNIQUE_CAP) {
          const before = seen.size;
          return seen.add(key).size !== before;
        }
        return !seen.has(key);
      };
      test.full = () => seen.size >= UNIQUE_CAP;
      return test;
    }
  }
}
