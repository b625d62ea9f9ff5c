// Loads data/iris.csv (the 150 rows of Fisher's Iris data; see data/LICENSE.md).
import { readFileSync } from "node:fs";

const IRIS_CSV = new URL("./data/iris.csv", import.meta.url);
const HEADER = "sepal_length,sepal_width,petal_length,petal_width,species";

/** Features as rows of numbers, labels as class indices into `classes` (sorted names). */
export function loadIris(file = IRIS_CSV) {
  const [header, ...lines] = readFileSync(file, "utf8").trim().split(/\r?\n/);
  if (header !== HEADER) throw new Error(`${file}: expected header "${HEADER}"`);
  const X = [];
  const species = [];
  lines.forEach((line, i) => {
    const cells = line.split(",");
    const values = cells.slice(0, 4).map((c) => (c.trim() === "" ? NaN : Number(c))); // Number("") is 0
    // Fail loudly on a damaged file instead of training on NaNs.
    if (cells.length !== 5 || values.some((v) => !Number.isFinite(v)) || !cells[4]) {
      throw new Error(`${file}: bad row ${i + 2}: "${line}"`);
    }
    X.push(values);
    species.push(cells[4]);
  });
  const classes = [...new Set(species)].sort();
  return { features: HEADER.split(",").slice(0, 4), classes, X, y: species.map((s) => classes.indexOf(s)) };
}
