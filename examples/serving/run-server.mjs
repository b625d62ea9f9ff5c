// A serving replica Anvil runs (the `process` backend): fetches the model Anvil staged as this
// run's artifact (inputs/model.json), writes it next to itself, and starts the example server
// that knows its format — the tiny language model's OpenAI-compatible server, or the Iris
// classifier's Open Inference Protocol server — on $PORT. SIGTERM stops it.
import { writeFileSync } from "node:fs";
import path from "node:path";
import { AnvilRun } from "../../sdk/node/anvil.mjs";

const SERVERS = {
  "anvil-example/char-ngram@1": async (model, name, apiKey) => (await import("../tiny-lm/serve.mjs")).createTinyLmServer(model, { name, apiKey }),
  "anvil-example/iris-softmax@1": async (model, name, apiKey) => (await import("../iris-softmax/serve.mjs")).createIrisServer(model, { name, apiKey }),
};

async function main() {
  const run = AnvilRun.fromEnv();
  if (!run) throw new Error("runs as a replica started by Anvil (ANVIL_RUN_ID and ANVIL_RUN_TOKEN are not set)");
  const port = Number(process.env.PORT);
  if (!Number.isInteger(port) || port <= 0) throw new Error("PORT is not set");
  const name = process.env.SERVED_MODEL_NAME || "model";
  const bytes = await run.downloadArtifact("inputs/model.json");
  writeFileSync(path.resolve("model.json"), bytes);
  const model = JSON.parse(bytes.toString("utf8"));
  const make = SERVERS[model.format];
  if (!make) throw new Error(`no example server serves models of format ${JSON.stringify(model.format)} (known: ${Object.keys(SERVERS).join(", ")})`);
  // The key Anvil's gateway sends: other programs on this machine cannot call the model.
  const server = await make(model, name, process.env.SERVE_API_KEY || undefined);
  await new Promise((resolve, reject) => server.once("error", reject).listen(port, "127.0.0.1", resolve));
  console.log(`serving ${name} (${model.format}) on http://127.0.0.1:${port}`);
  // Stopping the replica: finish what is in flight, then exit of the signal, so the run ends as stopped.
  for (const signal of ["SIGTERM", "SIGINT"]) process.once(signal, () => server.close(() => process.kill(process.pid, signal)));
}

main().catch((err) => {
  console.error(`run-server.mjs: ${err.message}`);
  process.exitCode = 1;
});
