// Trains an Iris classifier with full-batch gradient descent and, when started by Anvil,
// logs params, per-epoch metrics and the final model to the run. Plain Node, no packages:
//   node examples/iris-softmax/train.mjs
import { setTimeout as sleep } from "node:timers/promises";
import { AnvilRun } from "../../sdk/node/anvil.mjs";
import { loadIris } from "./data.mjs";
import { createRng, gradientDescent, initModel, splitAndScale } from "./model.mjs";
import { ParamError, parseParams } from "./params.mjs";

const VAL_FRACTION = 0.2;
const MODEL_ARTIFACT = "model/model.json";
const CHECKPOINT_FORMAT = "anvil-example/iris-checkpoint@1";

async function main() {
  const started = Date.now();
  const { params, given } = parseParams(process.env.ANVIL_PARAMS);
  const run = AnvilRun.fromEnv();

  const data = loadIris();
  const rng = createRng(params.seed); // one stream: the split first, then the initial weights
  const { train, val, scaler } = splitAndScale(data, VAL_FRACTION, rng);
  const model = initModel({ inputs: data.features.length, hidden: params.hidden, classes: data.classes.length }, rng);
  const architecture = params.hidden > 0 ? `mlp (1 hidden layer of ${params.hidden} tanh units)` : "softmax regression";

  console.log(`iris: ${architecture}, ${train.y.length} train / ${val.y.length} val rows, params ${JSON.stringify(params)}`);
  if (run) {
    console.log(`logging to Anvil run ${run.runId}`);
    // Given values are sent exactly as given: params are write-once, and re-sending "0.5"
    // as 0.5 could conflict with what the platform recorded when it started the run.
    await run.logParams({ ...params, ...given });
    await run.setTags({ dataset: "iris", model: params.hidden > 0 ? "mlp" : "softmax" });
  } else {
    console.log("ANVIL_RUN_ID/ANVIL_RUN_TOKEN not set: running standalone, printing only");
  }

  // Stopping from the UI sends SIGTERM: finish the current epoch, send what was logged,
  // then die of the same signal so the platform still records the run as stopped.
  let stopSignal = null;
  for (const signal of ["SIGTERM", "SIGINT"]) process.once(signal, () => (stopSignal = signal));

  // Resuming: the platform copied the chosen checkpoint into this run (ANVIL_RESUME_FROM).
  let startEpoch = 1;
  const resumeFrom = process.env.ANVIL_RESUME_FROM;
  if (resumeFrom && run) {
    const checkpoint = JSON.parse((await run.downloadArtifact(resumeFrom)).toString("utf8"));
    if (checkpoint.format !== CHECKPOINT_FORMAT) throw new Error(`${resumeFrom} is not an Iris checkpoint (format ${checkpoint.format})`);
    if (checkpoint.layers.length !== model.layers.length) throw new Error(`${resumeFrom} has ${checkpoint.layers.length} layers; this model has ${model.layers.length} (hidden must match)`);
    checkpoint.layers.forEach((layer, i) => Object.assign(model.layers[i], { W: layer.weights, b: layer.bias }));
    startEpoch = checkpoint.epoch + 1;
    console.log(`resumed from ${resumeFrom}: epoch ${checkpoint.epoch} done, continuing at ${startEpoch}`);
  }

  let last;
  for (last of gradientDescent(model, train, val, params, startEpoch)) {
    const { epoch, train: t, val: v } = last;
    run?.log({ "train/loss": t.loss, "train/accuracy": t.accuracy, "val/loss": v.loss, "val/accuracy": v.accuracy }, epoch);
    console.log(`epoch ${epoch}/${params.epochs} loss=${t.loss.toFixed(4)} val_acc=${v.accuracy.toFixed(3)}`);
    if (run && params.checkpoint_every > 0 && epoch % params.checkpoint_every === 0 && epoch < params.epochs) {
      const checkpoint = { format: CHECKPOINT_FORMAT, epoch, layers: model.layers.map(({ W, b }) => ({ weights: W, bias: b })), params };
      await run.uploadArtifact(`checkpoints/epoch-${String(epoch).padStart(4, "0")}.json`, JSON.stringify(checkpoint), "application/json");
    }
    // Only there so a person watching the run sees its chart grow; it is not training.
    if (params.epoch_delay_ms > 0) await sleep(params.epoch_delay_ms);
    if (stopSignal) break;
  }

  if (!last) throw new Error(`nothing to train: the checkpoint is at epoch ${startEpoch - 1} of ${params.epochs}`);
  if (stopSignal) {
    console.log(`stopped by ${stopSignal} after epoch ${last.epoch}`);
    await run?.finish();
    process.kill(process.pid, stopSignal);
    return;
  }

  // The model's size, for sweeps trading accuracy against it (a second objective).
  const parameters = model.layers.reduce((n, { W, b }) => n + W.length * W[0].length + b.length, 0);
  run?.log({ "model/parameters": parameters }, last.epoch);

  const metrics = {
    train_loss: last.train.loss,
    train_accuracy: last.train.accuracy,
    val_loss: last.val.loss,
    val_accuracy: last.val.accuracy,
  };
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(
    `done in ${seconds}s: train_acc=${metrics.train_accuracy.toFixed(3)} ` +
      `val_acc=${metrics.val_accuracy.toFixed(3)} val_loss=${metrics.val_loss.toFixed(4)}`,
  );
  if (run) {
    await run.finish();
    const artifact = modelArtifact({ model, scaler, data, params, metrics });
    const info = await run.uploadArtifact(MODEL_ARTIFACT, JSON.stringify(artifact, null, 2), "application/json");
    console.log(`model uploaded as ${info.path} (${info.size} bytes, sha256 ${info.sha256.slice(0, 12)}…)`);
  }
}

/** Everything needed to classify a new flower without this code: see README.md. */
function modelArtifact({ model, scaler, data, params, metrics }) {
  return {
    format: "anvil-example/iris-softmax@1",
    predict: "x' = (x - mean) / std; h = tanh(W·x' + b) for each hidden layer; p = softmax(W·h + b)",
    features: data.features,
    classes: data.classes,
    standardization: scaler,
    layers: model.layers.map(({ W, b }) => ({ weights: W, bias: b })),
    params,
    metrics,
  };
}

main().catch((err) => {
  console.error(err instanceof ParamError ? `train.mjs: bad params: ${err.message}` : `train.mjs: ${err.message}`);
  process.exitCode = err instanceof ParamError ? 2 : 1;
});
