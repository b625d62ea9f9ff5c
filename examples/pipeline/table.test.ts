import { describe, expect, it } from "vitest";
import { examplesToCsv, holdOut, parseCsv, parseTable, toExamples } from "./table.mjs";

describe("the phases' tables", () => {
  it("parses quoted CSV fields, CRLF and a missing final newline", () => {
    expect(parseCsv('a,"b, c",d\r\n1,"say ""hi""",\r\n2,x,y')).toEqual({ header: ["a", "b, c", "d"], rows: [["1", 'say "hi"', ""], ["2", "x", "y"]] });
  });
  it("turns columns into numeric features and a label (the last column unless named); bad numbers become null", () => {
    const t = toExamples(parseTable("x,y,kind\n1,2,a\n,abc,b\n"));
    expect(t).toEqual({ features: ["x", "y"], label: "kind", examples: [{ values: [1, 2], label: "a" }, { values: [null, null], label: "b" }] });
    expect(toExamples(parseTable('{"kind":"a","x":1}\n{"kind":"b","x":"2"}\n', "jsonl"), "kind").examples).toEqual([{ values: [1], label: "a" }, { values: [2], label: "b" }]);
    expect(() => toExamples(parseTable("x\n1\n"), "nope")).toThrow(/no column "nope"/);
  });
  it("writes CSV the parser reads back, quoting what needs it", () => {
    const examples = [{ values: [1.5, null], label: 'odd, "one"' }];
    expect(toExamples(parseCsv(examplesToCsv(["p", "q"], "label", examples))).examples).toEqual(examples);
  });
  it("holds out the same rows every time, about one in five", () => {
    const rows = Array.from({ length: 1000 }, (_, i) => ({ values: [i, i % 7], label: String(i % 3) }));
    const a = holdOut(rows);
    expect(holdOut([...rows].reverse()).held.length).toBe(a.held.length);
    expect(a.held.length).toBeGreaterThan(150);
    expect(a.held.length).toBeLessThan(250);
    expect(a.held.length + a.kept.length).toBe(1000);
  });
});
