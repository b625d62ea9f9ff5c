// Serves a trained Iris model (model/model.json from train.mjs) over the Open Inference
// Protocol — KServe's v2 REST API: GET /v2/health/live|ready, GET /v2/models/{name}[/ready],
// POST /v2/models/{name}/infer. Plain Node:
//   node examples/iris-softmax/serve.mjs --model model.json [--port 8080] [--name iris]
import http from "node:http";
import { randomUUID } from "node:crypto";
import { forward, standardize } from "./model.mjs";
import { isMain, serveFromCommandLine } from "../serving/cli.mjs";

class InferError extends Error {
  constructor(status, message) { super(message); this.status = status; }
}

const DATATYPES = new Set(["FP32", "FP64", "FP16", "INT8", "INT16", "INT32", "INT64"]);

/** The rows of an input tensor: shape [N, features] (or [features] for one row), data flat or nested. */
function rowsOf(input, features) {
  if (!input || typeof input !== "object") throw new InferError(400, "each input is an object with name, shape, datatype and data");
  if (!DATATYPES.has(input.datatype)) throw new InferError(400, `input "${input.name}": datatype ${JSON.stringify(input.datatype)} is not numeric (FP32, FP64, INT32, …)`);
  const shape = input.shape;
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d > 0) || shape.length < 1 || shape.length > 2) throw new InferError(400, `input "${input.name}": shape must be [N, ${features}] or [${features}]`);
  const [n, width] = shape.length === 1 ? [1, shape[0]] : shape;
  if (width !== features) throw new InferError(400, `input "${input.name}": the model takes ${features} features per row, the shape says ${width}`);
  const flat = Array.isArray(input.data) ? input.data.flat(2) : null;
  if (!flat || flat.length !== n * width || !flat.every((v) => typeof v === "number" && Number.isFinite(v))) throw new InferError(400, `input "${input.name}": data must hold ${n * width} finite numbers (shape ${JSON.stringify(shape)})`);
  if (n > 10_000) throw new InferError(400, "at most 10,000 rows per request");
  return Array.from({ length: n }, (_, i) => flat.slice(i * width, (i + 1) * width));
}

export function createIrisServer(model, { name = "iris", version = "1", apiKey } = {}) {
  const features = model.features.length;
  const metadata = {
    name, versions: [version], platform: "anvil-node",
    inputs: [{ name: "input-0", datatype: "FP32", shape: [-1, features] }],
    outputs: [{ name: "probabilities", datatype: "FP32", shape: [-1, model.classes.length] }, { name: "label", datatype: "BYTES", shape: [-1] }],
  };
  const predictor = { layers: model.layers.map((l) => ({ W: l.weights, b: l.bias })) };

  function infer(body) {
    if (!body || !Array.isArray(body.inputs) || body.inputs.length !== 1) throw new InferError(400, "send one input tensor: {\"inputs\": [{\"name\", \"shape\": [N, 4], \"datatype\": \"FP32\", \"data\"}]}");
    const rows = rowsOf(body.inputs[0], features);
    const probs = forward(predictor, standardize(rows, model.standardization)).at(-1);
    const outputs = [
      { name: "probabilities", datatype: "FP32", shape: [rows.length, model.classes.length], data: probs.flat() },
      { name: "label", datatype: "BYTES", shape: [rows.length], data: probs.map((p) => model.classes[p.indexOf(Math.max(...p))]) },
    ];
    const wanted = Array.isArray(body.outputs) ? new Set(body.outputs.map((o) => o?.name)) : null;
    return { model_name: name, model_version: version, id: typeof body.id === "string" ? body.id : randomUUID(), outputs: wanted ? outputs.filter((o) => wanted.has(o.name)) : outputs };
  }

  return http.createServer(async (req, res) => {
    const send = (status, body) => res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
    try {
      const path = new URL(req.url ?? "/", "http://x").pathname;
      // With a key, the models (not the health checks) take it as a bearer token.
      if (apiKey && path.startsWith("/v2/models") && req.headers.authorization !== `Bearer ${apiKey}`) return send(401, { error: "Unauthorized" });
      if (req.method === "GET" && path === "/v2/health/live") return send(200, { live: true });
      if (req.method === "GET" && path === "/v2/health/ready") return send(200, { ready: true });
      if (req.method === "GET" && path === "/v2") return send(200, { name: "anvil-iris", version: "1", extensions: [] });
      const m = /^\/v2\/models\/([^/]+)(?:\/versions\/([^/]+))?(\/ready|\/infer)?$/.exec(path);
      if (!m) throw new InferError(404, `No route ${req.method} ${path}`);
      if (decodeURIComponent(m[1]) !== name || (m[2] && m[2] !== version)) throw new InferError(404, `Model ${decodeURIComponent(m[1])}${m[2] ? ` version ${m[2]}` : ""} is not served here (serving ${name} version ${version})`);
      if (req.method === "GET" && !m[3]) return send(200, metadata);
      if (req.method === "GET" && m[3] === "/ready") return send(200, { name, ready: true });
      if (req.method === "POST" && m[3] === "/infer") {
        const chunks = [];
        for await (const c of req) chunks.push(c);
        let body;
        try { body = JSON.parse(Buffer.concat(chunks).toString("utf8")); } catch { throw new InferError(400, "the body must be JSON"); }
        return send(200, infer(body));
      }
      throw new InferError(405, `${req.method} is not allowed on ${path}`);
    } catch (err) {
      send(err instanceof InferError ? err.status : 500, { error: err.message });
    }
  });
}

if (isMain(import.meta.url)) {
  serveFromCommandLine({
    defaultPort: 8080, defaultName: "iris", create: createIrisServer,
    describe: ({ path, port, name }) => `iris: serving ${path} on http://127.0.0.1:${port}/v2/models/${name}/infer`,
  });
}
