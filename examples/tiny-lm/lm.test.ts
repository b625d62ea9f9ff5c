import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { distribution, generate, perplexity, train } from "./lm.mjs";

const text = readFileSync(new URL("./data/poems.txt", import.meta.url), "utf8");
const cut = text.lastIndexOf("\n", Math.floor(text.length * 0.9)) + 1;

describe("the tiny character language model", () => {
  it("is a distribution over its vocabulary for any history, seen or not", () => {
    const model = train(text, { order: 4 });
    for (const h of ["", "Sha", "the ", "zzz"]) expect(distribution(model, h).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10);
  });
  it("predicts held-out text better with longer contexts, up to a point, and far better than knowing nothing", () => {
    const ppl = [1, 2, 3, 4].map((order) => perplexity(train(text.slice(0, cut), { order }), text.slice(cut)));
    expect(ppl[0]).toBeLessThan(new Set(text).size); // unigrams beat a uniform guess
    expect(ppl[1]).toBeLessThan(ppl[0] * 0.6);
    expect(ppl[3]).toBeLessThan(ppl[1]);
  });
  it("generates repeatably per seed, greedily at temperature 0, only characters it knows", () => {
    const model = train(text, { order: 5 });
    const a = [...generate(model, "Shall I ", { maxTokens: 40, seed: 7 })].join("");
    expect([...generate(model, "Shall I ", { maxTokens: 40, seed: 7 })].join("")).toBe(a);
    expect([...a].every((c) => model.vocab.includes(c))).toBe(true);
    // Greedy continuation of a line it has seen many times.
    expect([...generate(model, "Tyger Tyger, burning b", { maxTokens: 5, temperature: 0 })].join("")).toBe("right");
  });
});
