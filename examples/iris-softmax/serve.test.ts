import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadIris } from "./data.mjs";
import { createRng, fitStandardizer, forward, gradientDescent, initModel, standardize } from "./model.mjs";
import { createIrisServer } from "./serve.mjs";

/** The Iris model over the Open Inference Protocol (KServe v2). */

function trainedModel() {
  const data = loadIris();
  const scaler = fitStandardizer(data.X);
  const model = initModel({ inputs: 4, hidden: 0, classes: 3 }, createRng(1));
  const train = { X: standardize(data.X, scaler), y: data.y };
  for (const _ of gradientDescent(model, train, train, { epochs: 200, lr: 0.5 }));
  return { features: data.features, classes: data.classes, standardization: scaler, layers: model.layers.map(({ W, b }: { W: number[][]; b: number[] }) => ({ weights: W, bias: b })), check: forward(model, standardize(data.X, scaler)).at(-1) };
}

let server: ReturnType<typeof createIrisServer>;
let base = "";
const model = trainedModel();
beforeAll(async () => {
  server = createIrisServer(model, { name: "iris" });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((r) => server.close(r)));

const infer = (body: unknown, name = "iris") => fetch(`${base}/v2/models/${name}/infer`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

describe("Iris over the Open Inference Protocol", () => {
  it("is live and ready, describes its tensors, and classifies a batch", async () => {
    expect(await (await fetch(`${base}/v2/health/ready`)).json()).toEqual({ ready: true });
    expect(await (await fetch(`${base}/v2/models/iris/ready`)).json()).toEqual({ name: "iris", ready: true });
    expect((await (await fetch(`${base}/v2/models/iris`)).json()).inputs).toEqual([{ name: "input-0", datatype: "FP32", shape: [-1, 4] }]);
    const res = await infer({ id: "r1", inputs: [{ name: "input-0", shape: [2, 4], datatype: "FP32", data: [5.1, 3.5, 1.4, 0.2, 6.7, 3.0, 5.2, 2.3] }] });
    const body = (await res.json()) as { id: string; outputs: Array<{ name: string; shape: number[]; data: unknown[] }> };
    expect(body.id).toBe("r1");
    expect(body.outputs.find((o) => o.name === "label")).toMatchObject({ shape: [2], data: ["setosa", "virginica"] });
    const probs = body.outputs.find((o) => o.name === "probabilities")!;
    expect(probs.shape).toEqual([2, 3]);
    expect((probs.data as number[]).slice(0, 3).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
  });

  it("refuses what it cannot read with a 4xx naming the problem", async () => {
    expect((await infer({ inputs: [{ name: "x", shape: [1, 3], datatype: "FP32", data: [1, 2, 3] }] })).status).toBe(400);
    expect((await infer({ inputs: [{ name: "x", shape: [1, 4], datatype: "BYTES", data: ["a", "b", "c", "d"] }] })).status).toBe(400);
    expect((await infer({ inputs: [{ name: "x", shape: [2, 4], datatype: "FP32", data: [1, 2, 3, 4] }] })).status).toBe(400);
    expect((await infer({ inputs: [] })).status).toBe(400);
    const missing = await infer({ inputs: [{ name: "x", shape: [1, 4], datatype: "FP32", data: [1, 2, 3, 4] }] }, "roses");
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { error: string }).error).toMatch(/roses/);
  });
});
