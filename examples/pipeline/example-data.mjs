// The pipelines' example: Fisher's Iris (../iris-softmax/data, CC BY 4.0) made hard on purpose
// — few virginica, some of them mislabelled versicolor, duplicates and broken rows — so that
// deduplication, dropping invalid rows, rebalancing and rows synthesized near the evaluation's
// bad cases each move the score. Deterministic per seed; `node make-data.mjs` writes the files.
import { readFileSync } from "node:fs";
import { createRng } from "../iris-softmax/model.mjs";

export const CLASSES = ["setosa", "versicolor", "virginica"];
export const FEATURES = ["sepal_length", "sepal_width", "petal_length", "petal_width"];

function loadIris() {
  const lines = readFileSync(new URL("../iris-softmax/data/iris.csv", import.meta.url), "utf8").trim().split(/\r?\n/).slice(1);
  return lines.map((l) => {
    const c = l.split(",");
    return { values: c.slice(0, 4).map(Number), label: c[4] };
  });
}

/**
 * train: 30 setosa, 30 versicolor, 4 virginica, 6 virginica labelled versicolor, 10 duplicates,
 * 2 rows with a missing measurement. validation (where bad cases come from) and test (the
 * score): 8 and 12 of each species, disjoint from each other and from train.
 */
export function makeExample(seed = 1) {
  const rng = createRng(seed);
  const all = loadIris();
  const by = Object.fromEntries(CLASSES.map((c) => [c, all.filter((r) => r.label === c).sort(() => rng() - 0.5)]));
  const test = CLASSES.flatMap((c) => by[c].slice(0, 12));
  const validation = CLASSES.flatMap((c) => by[c].slice(12, 20));
  const clean = [...by.setosa.slice(20), ...by.versicolor.slice(20), ...by.virginica.slice(20, 24)];
  const mislabelled = by.virginica.slice(24, 30).map((r) => ({ ...r, label: "versicolor" }));
  const broken = [{ values: [null, 3.1, 1.5, 0.2], label: "setosa" }, { values: [6.3, 2.9, 5.6, null], label: "virginica" }];
  return { train: [...clean, ...mislabelled, ...clean.slice(0, 10), ...broken], validation, test };
}

export function toCsv(rows) {
  return `${[...FEATURES, "species"].join(",")}\n${rows.map((r) => [...r.values.map((v) => (v === null ? "" : v)), r.label].join(",")).join("\n")}\n`;
}
