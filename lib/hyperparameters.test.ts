import { describe, expect, it } from "vitest";
import { formatHyperparameters, parseHyperparameters } from "./hyperparameters";

describe("parseHyperparameters", () => {
  it("parses numbers, booleans and strings, skipping blanks and comments", () => {
    expect(parseHyperparameters("lr = 0.5\n\n# note\nepochs=40\nuse_bias = true\noptimizer = adam")).toEqual({
      ok: true, value: { lr: 0.5, epochs: 40, use_bias: true, optimizer: "adam" },
    });
  });
  it("names the line of a malformed entry", () => {
    expect(parseHyperparameters("lr = 0.1\nepochs")).toEqual({ ok: false, error: "Line 2: write name = value" });
  });
  it("rejects invalid and duplicate names", () => {
    expect(parseHyperparameters("9lives = 1").ok).toBe(false);
    expect(parseHyperparameters("a = 1\na = 2")).toEqual({ ok: false, error: 'Line 2: "a" is set twice' });
  });
  it("round-trips through formatHyperparameters", () => {
    const value = { epochs: 40, lr: 0.5, name: "x" };
    expect(parseHyperparameters(formatHyperparameters(value))).toEqual({ ok: true, value });
  });
});
