import { describe, expect, it } from "vitest";
import { Profiler } from "./profile";
import { createRowReader, type Format } from "./rows";
import { Validator, type Rule } from "./validation";

/** Parse in awkward chunks (1–7 bytes), as a network upload might arrive. */
function read(format: Format, text: string, rules: Rule[] = []) {
  const profiler = new Profiler();
  const validator = new Validator(rules);
  const reader = createRowReader(format, {
    columns: (n) => { profiler.columns(n); validator.columns(n); },
    row: (c, ok, line) => { profiler.row(c, ok, line); validator.row(c, ok, line); },
  });
  const bytes = new TextEncoder().encode(text);
  for (let i = 0, step = 1; i < bytes.length; i += step, step = (step % 7) + 1) reader.push(bytes.subarray(i, i + step));
  reader.end();
  return { profile: profiler.result(), report: validator.result() };
}

describe("CSV and JSONL profiling", () => {
  it("reads RFC 4180 CSV: quotes, doubled quotes, newlines in quotes, CRLF, a BOM, blank lines", () => {
    const { profile } = read("csv", '\uFEFFid,text,score\r\n1,"hello, ""world""",0.5\r\n2,"two\nlines",\r\n\r\n3,plain,1.5\r\n');
    expect(profile.rows).toBe(3);
    expect(profile.preview).toEqual([[1, 'hello, "world"', 0.5], [2, "two\nlines", null], [3, "plain", 1.5]]);
    expect(profile.columns.map((c) => [c.name, c.type, c.count, c.nulls])).toEqual([["id", "integer", 3, 0], ["text", "string", 3, 0], ["score", "number", 2, 1]]);
  });

  it("computes statistics: mean, std, min, max, distinct and top values; counts malformed rows", () => {
    const { profile } = read("csv", "x,label\n1,a\n2,b\n3,a\n4,a\n5\n");
    const [x, label] = profile.columns;
    expect(x).toMatchObject({ type: "integer", min: 1, max: 4, mean: 2.5, distinct: 4 });
    expect(x.std).toBeCloseTo(Math.sqrt(5 / 3), 12);
    expect(label.top[0]).toEqual({ value: "a", count: 3 });
    expect(profile).toMatchObject({ rows: 4, invalidRows: 1, invalidExamples: [6] });
  });

  it("reads JSONL with keys appearing late, nested values as JSON text, bad lines counted", () => {
    const { profile } = read("jsonl", '{"a":1}\n{"a":2,"b":{"c":true}}\nnot json\n[1]\n{"b":"x"}');
    expect(profile.columns.map((c) => [c.name, c.type, c.count, c.nulls])).toEqual([["a", "integer", 2, 1], ["b", "string", 2, 1]]);
    expect(profile.preview[1]).toEqual([2, '{"c":true}']);
    expect(profile).toMatchObject({ rows: 3, invalidRows: 2, invalidExamples: [3, 4] });
  });

  it("refuses what is not a table: an unclosed quote, an empty file", () => {
    expect(() => read("csv", 'a,b\n1,"open\n')).toThrow(/never closed/);
    expect(() => read("csv", "")).toThrow(/header/);
    expect(() => read("jsonl", "\n\n")).toThrow(/JSON object/);
  });
});

describe("validation rules", () => {
  it("reports each rule with its failures and the first examples", () => {
    const rules: Rule[] = [
      { kind: "not_null", column: "label" }, { kind: "range", column: "x", min: 0, max: 3 },
      { kind: "allowed", column: "label", values: ["a", "b"] }, { kind: "unique", column: "x" }, { kind: "unique", column: "nope" },
    ];
    const { report } = read("csv", "x,label\n1,a\n2,\n3,c\n4,a\n1,b\n", rules);
    expect(report.map((r) => [r.rule.kind, r.passed, r.failures])).toEqual([["not_null", false, 1], ["range", false, 1], ["allowed", false, 1], ["unique", false, 1], ["unique", false, 0]]);
    expect(report[1].examples).toEqual([{ line: 5, value: 4 }]);
    expect(report[3].examples).toEqual([{ line: 6, value: 1 }]);
    expect(report[4].error).toMatch(/no column "nope"/);
  });
});

describe("hostile and tricky input", () => {
  it("keeps text that only looks numeric as text: hex, leading zeros, ids past 2^53", () => {
    const { profile, report } = read("csv", "v\n0x1F\n007\n12345678901234567890\n16\n", [{ kind: "unique", column: "v" }]);
    expect(profile.preview.map((r) => r[0])).toEqual(["0x1F", "007", "12345678901234567890", 16]);
    expect(report[0]).toMatchObject({ passed: true, failures: 0 });
  });

  it("refuses a row far wider than any table before it grows", () => {
    expect(() => read("csv", `a,b\n${",".repeat(5000)}\n`)).toThrow(/line 2 has more than 1000 fields/);
  });

  it("counts rows before a JSONL key appeared as empty for not-null", () => {
    const { report } = read("jsonl", '{"a":1}\n{"a":2,"label":"x"}\n', [{ kind: "not_null", column: "label" }]);
    expect(report[0]).toMatchObject({ passed: false, failures: 1 });
  });

  it("stores no NUL, lone surrogate or megabyte value in the profile", () => {
    const long = "x".repeat(5000);
    const { profile } = read("jsonl", `{"t":"a\\u0000b"}\n{"t":"\\ud800"}\n{"t":"${long}"}\n`);
    const [t] = profile.columns;
    expect(JSON.stringify(profile)).not.toMatch(/\\u0000|\\ud800/);
    expect(t.top.every((v) => v.value.length <= 201)).toBe(true);
    expect(String(t.max).length).toBeLessThanOrEqual(201);
  });
});

