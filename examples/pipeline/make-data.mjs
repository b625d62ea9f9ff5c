// Writes data/iris-hard-{train,validation,test}.csv from example-data.mjs (seed 1).
import { writeFileSync } from "node:fs";
import { makeExample, toCsv } from "./example-data.mjs";

const { train, validation, test } = makeExample(1);
for (const [name, rows] of Object.entries({ train, validation, test })) {
  writeFileSync(new URL(`./data/iris-hard-${name}.csv`, import.meta.url), toCsv(rows));
}
