// Trains the tiny character-level language model on the shipped poems (public domain, see
// data/LICENSE.md): picks the n-gram order with the best held-out perplexity, logs it per
// order, and uploads the model when started by Anvil. Plain Node:
//   node examples/tiny-lm/train.mjs            (standalone: prints, writes nothing)
import { readFileSync } from "node:fs";
import { AnvilRun } from "../../sdk/node/anvil.mjs";
import { generate, perplexity, train } from "./lm.mjs";

const MODEL_ARTIFACT = "model/model.json";

function readParams() {
  const given = JSON.parse(process.env.ANVIL_PARAMS || "{}");
  const p = { max_order: 7, val_fraction: 0.1, seed: 1, ...given };
  if (!Number.isInteger(Number(p.max_order)) || p.max_order < 1 || p.max_order > 12) throw new Error(`max_order must be an integer from 1 to 12 (got ${given.max_order})`);
  if (!(Number(p.val_fraction) > 0 && Number(p.val_fraction) < 0.5)) throw new Error(`val_fraction must be between 0 and 0.5 (got ${given.val_fraction})`);
  return { max_order: Number(p.max_order), val_fraction: Number(p.val_fraction), seed: Number(p.seed) };
}

async function main() {
  const params = readParams();
  const run = AnvilRun.fromEnv();
  const text = readFileSync(new URL("./data/poems.txt", import.meta.url), "utf8");
  // Held out: the last lines, so the score is on text the counts never saw.
  const cut = text.lastIndexOf("\n", Math.floor(text.length * (1 - params.val_fraction))) + 1;
  const [trainText, valText] = [text.slice(0, cut), text.slice(cut)];
  console.log(`tiny-lm: ${trainText.length} training characters, ${valText.length} held out, vocabulary ${new Set(text).size}`);
  if (run) await run.logParams(params);

  let best = { order: 1, ppl: Infinity };
  for (let order = 1; order <= params.max_order; order++) {
    const ppl = perplexity(train(trainText, { order }), valText);
    console.log(`order ${order}: held-out perplexity ${ppl.toFixed(3)}`);
    run?.log({ "val/perplexity": ppl }, order);
    if (ppl < best.ppl) best = { order, ppl };
  }
  // The chosen order, counted on all the text: the served model.
  const model = { ...train(text, { order: best.order }), trainedOn: "data/poems.txt", heldOutPerplexity: best.ppl };
  const sample = [...generate(model, "Shall I ", { maxTokens: 80, temperature: 0.7, seed: params.seed })].join("");
  console.log(`best order ${best.order} (perplexity ${best.ppl.toFixed(3)}); a sample: "Shall I ${sample.replace(/\n/g, " / ")}"`);
  if (run) {
    run.log({ "best/order": best.order, "best/val_perplexity": best.ppl }, params.max_order);
    await run.finish();
    const info = await run.uploadArtifact(MODEL_ARTIFACT, JSON.stringify(model), "application/json");
    console.log(`model uploaded as ${info.path} (${info.size} bytes)`);
  }
}

main().catch((err) => {
  console.error(`tiny-lm train.mjs: ${err.message}`);
  process.exitCode = 1;
});
