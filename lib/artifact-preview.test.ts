import { describe, expect, it } from "vitest";
import { formatJsonPreview, parseCsvPreview, previewKind } from "./artifact-preview";

describe("artifact previews", () => {
  it("chooses a preview by type, then by extension, and none for active content", () => {
    expect(previewKind("plot.png", "application/octet-stream")).toBe("image");
    expect(previewKind("model/model.json", "application/json")).toBe("json");
    expect(previewKind("preds.csv", "text/csv; charset=utf-8")).toBe("csv");
    expect(previewKind("train.log", "application/octet-stream")).toBe("text");
    expect(previewKind("report.html", "text/html")).toBe("text"); // shown as its source, never rendered
    expect(previewKind("weights.bin", "application/octet-stream")).toBeNull();
  });

  it("parses quoted CSV fields and drops a row cut off by the preview limit", () => {
    const text = 'a,b\n"x, y","say ""hi"""\r\n1,2\n3,';
    expect(parseCsvPreview(text, 10, true)).toEqual([["a", "b"], ["x, y", 'say "hi"'], ["1", "2"], ["3", ""]]);
    expect(parseCsvPreview(text, 10, false)).toEqual([["a", "b"], ["x, y", 'say "hi"'], ["1", "2"]]);
    expect(parseCsvPreview(text, 2, true)).toHaveLength(2);
  });

  it("pretty-prints complete JSON only", () => {
    expect(formatJsonPreview('{"a":1}', true)).toBe('{\n  "a": 1\n}');
    expect(formatJsonPreview('{"a":', false)).toBe('{"a":');
    expect(formatJsonPreview("not json", true)).toBe("not json");
  });
});
