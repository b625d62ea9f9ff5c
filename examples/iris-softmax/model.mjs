// The maths of the example, free of I/O so each piece can be tested on its own.
// A model is { layers: [{ W, b }] }: W is outputs×inputs, tanh between layers, softmax at
// the end. One layer is softmax regression; two layers are a 1-hidden-layer MLP.

/** mulberry32: a tiny seeded PRNG, so the same seed gives the same split and weights. */
export function createRng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal sample (Box–Muller); 1 - rng() avoids log(0). */
function gaussian(rng) {
  return Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
}

/**
 * Row indices split so each class keeps its share in both parts, which matters on a
 * dataset this small: a plain random 20% could leave a class under-represented.
 */
export function stratifiedSplit(labels, valFraction, rng) {
  const byClass = new Map();
  labels.forEach((label, i) => {
    if (!byClass.has(label)) byClass.set(label, []);
    byClass.get(label).push(i);
  });
  const train = [];
  const val = [];
  for (const indices of byClass.values()) {
    for (let i = indices.length - 1; i > 0; i--) {
      const j = Math.floor(rng() * (i + 1));
      [indices[i], indices[j]] = [indices[j], indices[i]];
    }
    const nVal = Math.round(indices.length * valFraction);
    val.push(...indices.slice(0, nVal));
    train.push(...indices.slice(nVal));
  }
  const ascending = (a, b) => a - b;
  return { train: train.sort(ascending), val: val.sort(ascending) };
}

/** Per-feature mean and standard deviation, fitted on the training rows only. */
export function fitStandardizer(X) {
  const n = X.length;
  const mean = X[0].map((_, j) => X.reduce((s, row) => s + row[j], 0) / n);
  const std = mean.map((m, j) => Math.sqrt(X.reduce((s, row) => s + (row[j] - m) ** 2, 0) / n) || 1);
  return { mean, std };
}

export function standardize(X, { mean, std }) {
  return X.map((row) => row.map((v, j) => (v - mean[j]) / std[j]));
}

/**
 * Stratified train/validation split, standardised with statistics of the training rows
 * only, so nothing about the validation rows leaks into training.
 */
export function splitAndScale({ X, y }, valFraction, rng) {
  const split = stratifiedSplit(y, valFraction, rng);
  const scaler = fitStandardizer(split.train.map((i) => X[i]));
  const pick = (rows) => ({ X: standardize(rows.map((i) => X[i]), scaler), y: rows.map((i) => y[i]) });
  return { train: pick(split.train), val: pick(split.val), scaler };
}

/** Gaussian weights scaled by 1/sqrt(fan-in) so tanh units start out of saturation. */
export function initModel({ inputs, hidden, classes }, rng) {
  const sizes = hidden > 0 ? [inputs, hidden, classes] : [inputs, classes];
  const layers = [];
  for (let l = 1; l < sizes.length; l++) {
    const scale = 1 / Math.sqrt(sizes[l - 1]);
    const W = Array.from({ length: sizes[l] }, () => Array.from({ length: sizes[l - 1] }, () => gaussian(rng) * scale));
    layers.push({ W, b: new Array(sizes[l]).fill(0) });
  }
  return { layers };
}

/** Subtracting the max keeps exp() from overflowing without changing the result. */
export function softmax(z) {
  const max = Math.max(...z);
  const e = z.map((v) => Math.exp(v - max));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / sum);
}

function affine(A, { W, b }) {
  return A.map((row) => W.map((w, k) => w.reduce((s, wj, j) => s + wj * row[j], b[k])));
}

/** Activations of every layer, input first; the last entry holds class probabilities. */
export function forward(model, X) {
  const acts = [X];
  model.layers.forEach((layer, l) => {
    const Z = affine(acts[l], layer);
    const last = l === model.layers.length - 1;
    acts.push(last ? Z.map(softmax) : Z.map((row) => row.map(Math.tanh)));
  });
  return acts;
}

/** Mean negative log-likelihood of the true classes. */
export function crossEntropy(probs, y) {
  return -probs.reduce((s, p, i) => s + Math.log(p[y[i]]), 0) / probs.length;
}

export function accuracy(probs, y) {
  const argmax = (p) => p.indexOf(Math.max(...p));
  return probs.filter((p, i) => argmax(p) === y[i]).length / probs.length;
}

export function evaluate(model, X, y) {
  const probs = forward(model, X).at(-1);
  return { loss: crossEntropy(probs, y), accuracy: accuracy(probs, y) };
}

/** Loss and its gradient with respect to every weight, by backpropagation. */
export function lossAndGradients(model, X, y) {
  const acts = forward(model, X);
  const probs = acts.at(-1);
  const n = X.length;
  // d(mean cross-entropy)/d(logits) = (softmax - one-hot) / n
  let dZ = probs.map((p, i) => p.map((v, k) => (v - (k === y[i] ? 1 : 0)) / n));
  const grads = [];
  for (let l = model.layers.length - 1; l >= 0; l--) {
    const A = acts[l];
    const { W } = model.layers[l];
    grads[l] = {
      W: W.map((w, k) => w.map((_, j) => dZ.reduce((s, d, i) => s + d[k] * A[i][j], 0))),
      b: W.map((_, k) => dZ.reduce((s, d) => s + d[k], 0)),
    };
    if (l > 0) {
      // Through W, then through tanh, whose derivative is 1 - tanh².
      dZ = dZ.map((d, i) => A[i].map((a, j) => (1 - a * a) * d.reduce((s, dk, k) => s + dk * W[k][j], 0)));
    }
  }
  return { loss: crossEntropy(probs, y), grads };
}

/** One gradient-descent update, in place. */
export function gradientStep(model, grads, lr) {
  model.layers.forEach((layer, l) => {
    layer.W.forEach((w, k) => w.forEach((_, j) => (w[j] -= lr * grads[l].W[k][j])));
    layer.b.forEach((_, k) => (layer.b[k] -= lr * grads[l].b[k]));
  });
}

/**
 * Full-batch gradient descent, one epoch per iteration. Yields metrics measured after
 * each update, so train and validation numbers describe the same weights.
 */
export function* gradientDescent(model, train, val, { epochs, lr }, startEpoch = 1) {
  for (let epoch = startEpoch; epoch <= epochs; epoch++) {
    gradientStep(model, lossAndGradients(model, train.X, train.y).grads, lr);
    yield { epoch, train: evaluate(model, train.X, train.y), val: evaluate(model, val.X, val.y) };
  }
}
