// A character-level language model: an n-gram model with interpolated absolute discounting
// (the smoothing behind Kneser–Ney, without the continuation counts), trained by counting.
// Small and real: it has a perplexity, it generates text, and a server can stream it token by
// token (a token is a character). Plain JavaScript, no packages.
import { createRng } from "../iris-softmax/model.mjs";

const DISCOUNT = 0.75;
export const FORMAT = "anvil-example/char-ngram@1";

/** Counts every context of length 0 … order-1 and the characters that follow it. */
export function train(text, { order = 5 } = {}) {
  if (!Number.isInteger(order) || order < 1 || order > 12) throw new Error(`order must be an integer from 1 to 12 (got ${order})`);
  const vocab = [...new Set(text)].sort();
  const counts = {};
  for (let i = 0; i < text.length; i++) {
    for (let n = 0; n < order && n <= i; n++) {
      const context = text.slice(i - n, i);
      const next = (counts[context] ??= {});
      next[text[i]] = (next[text[i]] ?? 0) + 1;
    }
  }
  return { format: FORMAT, order, vocab, counts };
}

/** P(c | history) for every character of the vocabulary, interpolated from the longest context down. */
export function distribution(model, history) {
  const { vocab, counts, order } = model;
  let probs = vocab.map(() => 1 / vocab.length);
  // Shorter contexts first: each longer one interpolates with the one below it.
  for (let n = 0; n <= Math.min(order - 1, history.length); n++) {
    const next = counts[history.slice(history.length - n)];
    if (!next) break; // an unseen context: longer ones are unseen too
    let total = 0;
    let types = 0;
    for (const c in next) { total += next[c]; types++; }
    const backoff = (DISCOUNT * types) / total;
    probs = vocab.map((c, i) => Math.max((next[c] ?? 0) - DISCOUNT, 0) / total + backoff * probs[i]);
  }
  return probs;
}

/** exp of the mean negative log-likelihood per character (lower is better; |vocab| = knowing nothing). */
export function perplexity(model, text) {
  const index = new Map(model.vocab.map((c, i) => [c, i]));
  let nll = 0;
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const probs = distribution(model, text.slice(Math.max(0, i - model.order + 1), i));
    const k = index.get(text[i]);
    // A character never seen in training gets the smallest probability any character has.
    nll -= Math.log(k === undefined ? Math.min(...probs) : probs[k]);
    n++;
  }
  return Math.exp(nll / Math.max(n, 1));
}

/**
 * Generates up to `maxTokens` characters after `prompt`, one at a time (a generator, so a
 * server can stream them). temperature 0 is greedy; a seed makes sampling repeatable.
 */
export function* generate(model, prompt, { maxTokens = 16, temperature = 1, topK = 0, seed } = {}) {
  const rng = createRng(seed ?? Math.floor(Math.random() * 2 ** 31));
  let text = prompt;
  for (let t = 0; t < maxTokens; t++) {
    let probs = distribution(model, text.slice(Math.max(0, text.length - model.order + 1)));
    if (topK > 0 && topK < probs.length) {
      const cut = [...probs].sort((a, b) => b - a)[topK - 1];
      probs = probs.map((p) => (p >= cut ? p : 0));
    }
    let k;
    if (temperature <= 0) k = probs.indexOf(Math.max(...probs));
    else {
      const weights = probs.map((p) => p ** (1 / temperature));
      let r = rng() * weights.reduce((a, b) => a + b, 0);
      k = weights.findIndex((w) => (r -= w) <= 0);
      if (k < 0) k = weights.length - 1;
    }
    const c = model.vocab[k];
    text += c;
    yield c;
  }
}
