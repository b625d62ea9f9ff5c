import type { Rule } from "@/server/datasets/validation";

/** A rule as a sentence: "label is one of a, b, c". */
export function describeRule(r: Rule): string {
  switch (r.kind) {
    case "not_null": return `${r.column} is never empty`;
    case "range": return `${r.column} is ${r.min !== undefined && r.max !== undefined ? `between ${r.min} and ${r.max}` : r.min !== undefined ? `at least ${r.min}` : `at most ${r.max}`}`;
    case "allowed": return `${r.column} is one of ${r.values.slice(0, 6).join(", ")}${r.values.length > 6 ? ", …" : ""}`;
    case "unique": return `${r.column} is unique`;
  }
}
