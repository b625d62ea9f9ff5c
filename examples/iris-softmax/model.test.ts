import { describe, expect, it } from "vitest";
import { loadIris } from "./data.mjs";
import {
  accuracy,
  createRng,
  crossEntropy,
  gradientDescent,
  initModel,
  lossAndGradients,
  softmax,
  splitAndScale,
  stratifiedSplit,
} from "./model.mjs";
import { DEFAULTS, parseParams } from "./params.mjs";

const iris = loadIris();

/** The same pipeline as train.mjs, minus logging. */
function trainIris({ seed, hidden, epochs, lr }: { seed: number; hidden: number; epochs: number; lr: number }) {
  const rng = createRng(seed);
  const { train, val } = splitAndScale(iris, 0.2, rng);
  const model = initModel({ inputs: 4, hidden, classes: 3 }, rng);
  const history = [...gradientDescent(model, train, val, { epochs, lr })];
  return { model, history, last: history.at(-1)! };
}

describe("data", () => {
  it("holds the 150 rows of Fisher's Iris data, 50 per species", () => {
    expect(iris.X).toHaveLength(150);
    expect(iris.classes).toEqual(["setosa", "versicolor", "virginica"]);
    expect([0, 1, 2].map((c) => iris.y.filter((y) => y === c).length)).toEqual([50, 50, 50]);
    expect(iris.X[0]).toEqual([5.1, 3.5, 1.4, 0.2]);
    expect(iris.X[50]).toEqual([7.0, 3.2, 4.7, 1.4]);
    expect(iris.X[149]).toEqual([5.9, 3.0, 5.1, 1.8]);
    expect(iris.y[149]).toBe(2);
  });
});

describe("maths", () => {
  it("softmax is a distribution and survives huge logits", () => {
    const p = softmax([1000, 1001, 999]);
    expect(p.every(Number.isFinite)).toBe(true);
    expect(p.reduce((a: number, b: number) => a + b)).toBeCloseTo(1, 12);
    expect(p[1]).toBeGreaterThan(p[0]);
  });

  it("cross-entropy and accuracy match hand-computed values", () => {
    const probs = [
      [0.5, 0.5, 0],
      [0.1, 0.2, 0.7],
    ];
    expect(crossEntropy(probs, [0, 2])).toBeCloseTo(-(Math.log(0.5) + Math.log(0.7)) / 2, 12);
    expect(accuracy(probs, [0, 2])).toBe(1);
    expect(accuracy(probs, [1, 0])).toBe(0);
  });

  it("splits 80/20 with each species kept at 10 validation rows, reproducibly", () => {
    const a = stratifiedSplit(iris.y, 0.2, createRng(42));
    expect(a.train).toHaveLength(120);
    expect(a.val).toHaveLength(30);
    expect([0, 1, 2].map((c) => a.val.filter((i) => iris.y[i] === c).length)).toEqual([10, 10, 10]);
    expect(new Set([...a.train, ...a.val]).size).toBe(150);
    expect(stratifiedSplit(iris.y, 0.2, createRng(42))).toEqual(a);
    expect(stratifiedSplit(iris.y, 0.2, createRng(7)).val).not.toEqual(a.val);
  });

  it("standardises with training statistics: training features get mean 0, std 1", () => {
    const { train, scaler } = splitAndScale(iris, 0.2, createRng(1));
    for (let j = 0; j < 4; j++) {
      const col: number[] = train.X.map((row: number[]) => row[j]);
      const mean = col.reduce((a, b) => a + b) / col.length;
      const variance = col.reduce((s, v) => s + (v - mean) ** 2, 0) / col.length;
      expect(mean).toBeCloseTo(0, 12);
      expect(variance).toBeCloseTo(1, 12);
    }
    expect(scaler.mean[2]).toBeGreaterThan(3); // petal length in cm, not already scaled
  });
});

describe("gradients", () => {
  // Central differences on a handful of real rows; analytic and numeric slopes must agree
  // for every weight and bias, in both the softmax and the MLP shape.
  it.each([0, 5])("match finite differences (hidden=%i)", (hidden) => {
    const rng = createRng(3);
    const { train } = splitAndScale(iris, 0.2, rng);
    const rows = [0, 10, 50, 70, 100, 119];
    const X = rows.map((i) => train.X[i]);
    const y = rows.map((i) => train.y[i]);
    const model = initModel({ inputs: 4, hidden, classes: 3 }, rng);
    const { grads } = lossAndGradients(model, X, y);

    const h = 1e-5;
    let checked = 0;
    model.layers.forEach((layer: any, l: number) => {
      const params: Array<[number[], number, number]> = [
        ...layer.W.flatMap((w: number[], k: number) => w.map((_, j) => [w, j, grads[l].W[k][j]] as [number[], number, number])),
        ...layer.b.map((_: number, k: number) => [layer.b, k, grads[l].b[k]] as [number[], number, number]),
      ];
      for (const [vec, idx, analytic] of params) {
        const orig = vec[idx];
        vec[idx] = orig + h;
        const up = lossAndGradients(model, X, y).loss;
        vec[idx] = orig - h;
        const down = lossAndGradients(model, X, y).loss;
        vec[idx] = orig;
        const numeric = (up - down) / (2 * h);
        expect(Math.abs(analytic - numeric)).toBeLessThan(1e-7 + 1e-5 * Math.abs(numeric));
        checked++;
      }
    });
    expect(checked).toBe(hidden ? 5 * 4 + 5 + 3 * 5 + 3 : 3 * 4 + 3);
  });
});

describe("training on the real data", () => {
  it("reaches >= 0.9 validation accuracy with the default params", () => {
    const { params } = parseParams('{"epoch_delay_ms":0}');
    const started = Date.now();
    const { history, last } = trainIris(params);
    expect(history).toHaveLength(DEFAULTS.epochs);
    expect(last.val.accuracy).toBeGreaterThanOrEqual(0.9);
    expect(last.train.loss).toBeLessThan(history[0].train.loss);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("also learns with a hidden layer", () => {
    const { last } = trainIris({ ...DEFAULTS, hidden: 8 });
    expect(last.val.accuracy).toBeGreaterThanOrEqual(0.9);
  });

  it("is reproducible for a seed", () => {
    const a = trainIris({ ...DEFAULTS, hidden: 4, epochs: 5 });
    const b = trainIris({ ...DEFAULTS, hidden: 4, epochs: 5 });
    expect(b.model).toEqual(a.model);
    expect(b.history).toEqual(a.history);
  });
});

describe("params", () => {
  it("takes numbers or numeric strings and keeps what was given as given", () => {
    const { params, given } = parseParams('{"epochs":"10","lr":0.1}');
    expect(params).toEqual({ ...DEFAULTS, epochs: 10, lr: 0.1 });
    expect(given).toEqual({ epochs: "10", lr: 0.1 });
    expect(parseParams(undefined).params).toEqual(DEFAULTS);
  });

  it.each([
    ['{"epochs":0}', /epochs must be a positive integer, got 0/],
    ['{"epochs":2.5}', /epochs must be a positive integer/],
    ['{"epochs":""}', /epochs must be a positive integer, got ""/],
    ['{"lr":"fast"}', /lr must be a positive number/],
    ['{"hidden":-1}', /hidden must be an integer >= 0/],
    ['{"epoch_delay_ms":1e9}', /epoch_delay_ms must be a number from 0 to 60000/],
    ['{"epoch":3}', /unknown param "epoch"/],
    ["[1]", /must be a JSON object/],
    ["{oops", /not valid JSON/],
  ])("rejects %s", (json, message) => {
    expect(() => parseParams(json)).toThrow(message);
  });
});
