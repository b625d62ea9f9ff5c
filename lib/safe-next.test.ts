import { describe, expect, it } from "vitest";
import { safeNextPath } from "./safe-next";

describe("safeNextPath", () => {
  it("keeps paths on this site, with their query", () => {
    expect(safeNextPath("/acme/training/123?tab=logs")).toBe("/acme/training/123?tab=logs");
    expect(safeNextPath("/invite/abc")).toBe("/invite/abc");
  });

  it.each(["//evil.com", "/\\evil.com", "/\\/evil.com", "\\\\evil.com", "https://evil.com", "/\t/evil.com", "/\n/evil.com", "javascript:alert(1)", "", "evil.com", "/%0a/evil.com".replace("%0a", "\n"), "/.//evil.com", "/a/..//evil.com", "/%2e//evil.com", "/./\\evil.com"])(
    "refuses %j", (next) => {
      expect(safeNextPath(next)).toBe("/");
    });

  it("falls back when there is nothing to go to", () => {
    expect(safeNextPath(undefined, "/x")).toBe("/x");
    expect(safeNextPath(null)).toBe("/");
    expect(safeNextPath(`/${"a".repeat(3000)}`)).toBe("/");
  });
});
