// The command line the example servers share: `--model <model.json>` (or ANVIL_MODEL_PATH),
// `--port`, `--name`, `--api-key`, listening on 127.0.0.1 until SIGTERM or SIGINT.
import { readFileSync } from "node:fs";

export function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
}

/** True when the module at `url` is the script node was started with. */
export const isMain = (url) => url === `file://${process.argv[1]}`;

export function serveFromCommandLine({ defaultPort, defaultName, create, describe }) {
  const path = arg("model", process.env.ANVIL_MODEL_PATH);
  if (!path) {
    console.error("serve.mjs: --model <model.json> (or ANVIL_MODEL_PATH) is required; train one with train.mjs");
    process.exit(2);
  }
  const model = JSON.parse(readFileSync(path, "utf8"));
  const port = Number(arg("port", process.env.PORT ?? defaultPort));
  const name = arg("name", process.env.SERVED_MODEL_NAME ?? defaultName);
  const server = create(model, { name, apiKey: arg("api-key", process.env.SERVE_API_KEY) });
  server.listen(port, "127.0.0.1", () => console.log(describe({ path, port, name, model })));
  for (const s of ["SIGTERM", "SIGINT"]) process.once(s, () => server.close(() => process.exit(0)));
}
