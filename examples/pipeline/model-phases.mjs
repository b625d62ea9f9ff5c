// Training and evaluation phases of the pipelines' built-in example, free of I/O: the Iris
// example's softmax regression trained on a table of rows, and an evaluation report with the
// bad cases (what the model got wrong, with their features) the next optimization consumes.
import { createRng, fitStandardizer, forward, gradientDescent, initModel, standardize } from "../iris-softmax/model.mjs";

/** Trains on rows { values, label }; the classes are given so every phase agrees on them. */
export function trainOnRows(rows, { classes, epochs = 300, lr = 0.5, hidden = 0, seed = 42 }) {
  const X = rows.map((r) => r.values);
  const y = rows.map((r) => classes.indexOf(r.label));
  if (y.some((k) => k < 0)) throw new Error(`a label outside ${classes.join(", ")}`);
  const scaler = fitStandardizer(X);
  const train = { X: standardize(X, scaler), y };
  const model = initModel({ inputs: X[0].length, hidden, classes: classes.length }, createRng(seed));
  let last;
  for (last of gradientDescent(model, train, train, { epochs, lr }));
  return { model, scaler, classes, trainAccuracy: last?.train.accuracy ?? null };
}

/**
 * Held-out metrics (accuracy, macro-F1, per class), the score (macro-F1: every class counts,
 * however rare), the bad cases, and machine-readable suggestions for the optimizer.
 */
export function evaluateOnRows({ model, scaler, classes }, rows) {
  const probs = forward(model, standardize(rows.map((r) => r.values), scaler)).at(-1);
  const predicted = probs.map((p) => p.indexOf(Math.max(...p)));
  const perClass = {};
  for (const [k, label] of classes.entries()) {
    const tp = rows.filter((r, i) => r.label === label && predicted[i] === k).length;
    const fp = rows.filter((r, i) => r.label !== label && predicted[i] === k).length;
    const fn = rows.filter((r, i) => r.label === label && predicted[i] !== k).length;
    const precision = tp + fp > 0 ? tp / (tp + fp) : 0;
    const recall = tp + fn > 0 ? tp / (tp + fn) : 0;
    perClass[label] = { precision, recall, f1: precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0, support: tp + fn };
  }
  const macroF1 = classes.reduce((s, c) => s + perClass[c].f1, 0) / classes.length;
  const accuracy = rows.filter((r, i) => classes[predicted[i]] === r.label).length / rows.length;
  const badCases = rows.flatMap((r, i) => (classes[predicted[i]] === r.label ? [] : [{ values: r.values, label: r.label, predicted: classes[predicted[i]], confidence: Math.max(...probs[i]) }]));
  const suggestions = classes.filter((c) => perClass[c].recall < 0.9).map((c) => ({
    action: "oversample_near_bad_cases", label: c, recall: perClass[c].recall, badCases: badCases.filter((b) => b.label === c).length,
  }));
  return { metrics: { accuracy, macroF1, perClass }, score: macroF1, badCases, suggestions };
}
