import { describe, expect, it } from "vitest";
import { examplesToCsv, holdOut, parseCsv, parseTable, toExamples } from "./table.mjs";

describe("the phases' tables", () => {
  it("parses quoted CSV fields, CRLF and a missing final newline", () => {
    expect(parseCsv('a,"b, c",d\r\n1,"say ""hi""",\r\n2,x,y')).toEqual({ header: ["a", "b, c", "d"], rows: [["1", 'say "hi"', ""], ["2", "x", "y"]] });
  });
  it("finds the label by name, else the last column; numeric columns are features, others are left out", () => {
    const t = toExamples(parseTable("id,x,name,z,kind\n1,1,ann,2,a\n2,,bob,3,b\n"));
    expect(t).toEqual({ features: ["x", "z"], label: "kind", examples: [{ values: [1, 2], label: "a" }, { values: [null, 3], label: "b" }] });
    expect(toExamples(parseTable("label,x\na,1\n")).label).toBe("label");
    expect(toExamples(parseTable('{"kind":"a","x":1}\nnull\n{"kind":"b","x":"2"}\n', "jsonl"), "kind").examples).toEqual([{ values: [1], label: "a" }, { values: [2], label: "b" }]);
    expect(() => toExamples(parseTable("x\n1\n"), "nope")).toThrow(/no column "nope"/);
    expect(() => toExamples(parseTable("name,kind\nann,a\n"))).toThrow(/no numeric column/);
  });
  it("a few broken cells keep their column (the row is dropped later); a model's features are found by name", () => {
    const rows = Array.from({ length: 40 }, (_, i) => `${i === 3 ? "oops" : i},${i % 2 ? "a" : "b"}`).join("\n");
    const t = toExamples(parseTable(`x,kind\n${rows}\n`));
    expect(t.features).toEqual(["x"]);
    expect(t.examples[3].values).toEqual([null]);
    const reordered = toExamples(parseTable("b,kind,a\n2,x,1\n"), "kind", ["a", "b"]);
    expect(reordered.examples).toEqual([{ values: [1, 2], label: "x" }]);
    expect(() => toExamples(parseTable("b,kind\n2,x\n"), "kind", ["a", "b"])).toThrow(/no column "a"/);
  });
  it("writes CSV the parser reads back, quoting what needs it", () => {
    const examples = [{ values: [1.5, null], label: 'odd, "one"' }, { values: [2, 3], label: "b" }];
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
