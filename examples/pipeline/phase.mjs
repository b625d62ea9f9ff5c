// One phase of a continuous-learning task, run by Anvil as a job. Anvil stages the inputs as
// this run's artifacts (inputs/manifest.json names them); the phase writes its outputs as
// artifacts (outputs/data.csv, model/model.json, report/report.json), which Anvil imports as
// the next dataset version, the model and the evaluation report. Plain Node, no packages:
// the logic is in optimize-data.mjs and model-phases.mjs.
import { setTimeout as sleep } from "node:timers/promises";
import { AnvilRun } from "../../sdk/node/anvil.mjs";
import { evaluateOnRows, trainOnRows } from "./model-phases.mjs";
import { optimize } from "./optimize-data.mjs";
import { examplesToCsv, holdOut, parseTable, toExamples } from "./table.mjs";

const DEFAULTS = { epochs: 200, lr: 0.5, hidden: 0, seed: 42, per_case: 4, jitter: 0.15, feedback: true, label: "", delay_ms: 0 };

function readParams() {
  const given = JSON.parse(process.env.ANVIL_PARAMS || "{}");
  const p = { ...DEFAULTS, ...given };
  for (const k of ["epochs", "lr", "hidden", "seed", "per_case", "jitter", "delay_ms"]) {
    p[k] = Number(p[k]);
    if (!Number.isFinite(p[k]) || p[k] < 0) throw new Error(`hyperparameter ${k} must be a number ≥ 0 (got ${given[k]})`);
  }
  p.feedback = !(p.feedback === false || p.feedback === "false" || p.feedback === 0);
  return p;
}

async function table(run, input) {
  return parseTable((await run.downloadArtifact(input.path)).toString("utf8"), input.format);
}

async function optimizePhase(run, manifest, p) {
  const { features, label, examples } = toExamples(await table(run, manifest.inputs.data), p.label || undefined);
  const feedback = manifest.inputs.feedback ? JSON.parse((await run.downloadArtifact(manifest.inputs.feedback)).toString("utf8")) : null;
  const out = optimize(examples, feedback, { seed: p.seed * 1000 + manifest.iteration, perCase: p.per_case, jitter: p.jitter, feedback: p.feedback });
  console.log(`optimize: ${examples.length} rows in, ${out.rows.length} out: ${out.derivation}${feedback ? "" : " (no feedback yet)"}`);
  run.log({ "optimize/rows_in": examples.length, "optimize/rows_out": out.rows.length }, manifest.iteration);
  await run.uploadArtifact("outputs/data.csv", examplesToCsv(features, label, out.rows), "text/csv");
  await run.uploadArtifact("outputs/optimization.json", JSON.stringify({ steps: out.steps, derivation: out.derivation, rowsIn: examples.length, rowsOut: out.rows.length, feedback: Boolean(feedback) && p.feedback }, null, 2), "application/json");
}

async function trainPhase(run, manifest, p) {
  const { features, label, examples } = toExamples(await table(run, manifest.inputs.data), p.label || undefined);
  const valid = examples.filter((e) => e.label !== "" && e.values.every((v) => v !== null));
  // Without evaluation datasets, a stable fifth of the rows is kept out of training for it.
  const { kept, held } = manifest.evaluationData ? { kept: valid, held: [] } : holdOut(valid);
  if (kept.length === 0) throw new Error("no valid rows to train on (every row has an empty or non-numeric feature, or no label)");
  const classes = [...new Set(kept.map((e) => e.label))].sort();
  const trained = trainOnRows(kept, { classes, epochs: p.epochs, lr: p.lr, hidden: p.hidden, seed: p.seed });
  console.log(`train: ${kept.length} rows, ${classes.length} classes, train accuracy ${trained.trainAccuracy?.toFixed(3)}${held.length ? `; ${held.length} rows held out for evaluation` : ""}`);
  run.log({ "train/rows": kept.length, "train/accuracy": trained.trainAccuracy ?? NaN }, manifest.iteration);
  const model = { format: "anvil-example/pipeline-softmax@1", features, label, classes, standardization: trained.scaler, layers: trained.model.layers, params: p };
  if (held.length > 0) await run.uploadArtifact("model/holdout.csv", examplesToCsv(features, label, held), "text/csv");
  await run.uploadArtifact("model/model.json", JSON.stringify(model), "application/json");
}

async function evaluatePhase(run, manifest, p) {
  const model = JSON.parse((await run.downloadArtifact(manifest.inputs.model)).toString("utf8"));
  const predictor = { model: { layers: model.layers }, scaler: model.standardization, classes: model.classes };
  // The model's features by name, wherever they are in these tables; rows without a label or a value are left out.
  const rowsOf = async (input) => toExamples(await table(run, input), model.label, model.features).examples.filter((e) => e.label !== "" && e.values.every((v) => v !== null));
  const { validation: v, test: t, holdout } = manifest.inputs;
  if (!v && !t && !holdout) throw new Error("no data to evaluate on: no validation or test dataset, and training held nothing out");
  const validation = await rowsOf(v ?? t ?? holdout);
  const test = t ? await rowsOf(t) : validation;
  if (validation.length === 0 || test.length === 0) throw new Error("no valid rows to evaluate on");
  // Bad cases and suggestions come from validation; the score from test, which feedback never sees.
  const onValidation = evaluateOnRows(predictor, validation);
  const onTest = evaluateOnRows(predictor, test);
  const scoredOn = t ? "test" : v ? "validation" : "holdout";
  const report = {
    format: "anvil/evaluation-report@1", score: onTest.score, scoreMetric: "macro_f1", scoredOn,
    metrics: onTest.metrics, validationMetrics: onValidation.metrics,
    badCases: onValidation.badCases, suggestions: onValidation.suggestions, rows: { validation: validation.length, test: test.length },
  };
  console.log(`evaluate: score (macro-F1 on ${scoredOn}) ${onTest.score.toFixed(4)}, accuracy ${onTest.metrics.accuracy.toFixed(4)}; ${onValidation.badCases.length} bad cases, ${onValidation.suggestions.length} suggestions`);
  run.log({ "eval/score": onTest.score, "eval/accuracy": onTest.metrics.accuracy, "eval/bad_cases": onValidation.badCases.length }, manifest.iteration);
  await run.uploadArtifact("report/report.json", JSON.stringify(report, null, 2), "application/json");
}

const PHASES = { optimize: optimizePhase, train: trainPhase, evaluate: evaluatePhase };

async function main() {
  const run = AnvilRun.fromEnv();
  if (!run) throw new Error("runs as a phase of an Anvil pipeline task: ANVIL_RUN_ID and ANVIL_RUN_TOKEN are not set");
  const params = readParams();
  const manifest = JSON.parse((await run.downloadArtifact("inputs/manifest.json")).toString("utf8"));
  const phase = PHASES[manifest.phase];
  if (!phase) throw new Error(`unknown phase "${manifest.phase}"`);
  console.log(`${manifest.phase}, iteration ${manifest.iteration}`);
  await phase(run, manifest, params);
  // Only there so a person (or a crash test) can watch a phase at work; it is not work.
  if (params.delay_ms > 0) await sleep(params.delay_ms);
  await run.finish();
}

main().catch((err) => {
  console.error(`phase.mjs: ${err.message}`);
  process.exitCode = 1;
});
