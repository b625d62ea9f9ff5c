import { benchAdmission } from "./admission";
import { benchBrowser } from "./browser";
import { benchCharts } from "./charts";
import { benchDatasets } from "./datasets";
import { benchGateway } from "./gateway";
import { benchIngestion, benchSinglePoint } from "./ingest";
import { startStack } from "./stack";

/**
 * `npm run bench`: every figure beside its target, as a ratio against a baseline measured in the
 * same run on the same machine (absolute numbers vary between machines; ratios much less).
 * Sections can be picked: `npm run bench -- ingest charts`.
 */
const all = { ingest: benchIngestion, single: benchSinglePoint, charts: benchCharts, browser: benchBrowser, admission: benchAdmission, datasets: benchDatasets, gateway: benchGateway } as const;
const picked = process.argv.slice(2).filter((a): a is keyof typeof all => a in all);
const sections = picked.length > 0 ? picked : (Object.keys(all) as (keyof typeof all)[]);

console.log(`Anvil bench — ${new Date().toISOString()}, ${(await import("node:os")).cpus().length} cores, median of repeated runs`);
const stack = await startStack();
try {
  for (const name of sections) {
    console.log(`\n── ${name}`);
    await all[name](stack);
  }
} finally {
  await stack.stop();
}
process.exit(0);
