import { describe, expect, it } from "vitest";
import * as artifactsApi from "@/app/api/2.0/mlflow-artifacts/artifacts/[[...path]]/route";
import { setup } from "../helpers/mlflow";
import { call, type RouteHandler } from "../helpers/rest";

/**
 * What MLflow 3.x clients call for `mlflow.<flavor>.log_model` and `mlflow.log_input`, as
 * mlflow/server/handlers.py (`_create_logged_model` … `_search_logged_models`, `_log_inputs`,
 * `_log_outputs`) and service.proto define it.
 */
describe("MLflow 3.x logged models, inputs and outputs", () => {
  it("runs log_model's session: create → upload to artifact_uri → finalize READY → get, search, tags, params → run outputs", async () => {
    const { mlflow, key } = await setup();
    const run = (await mlflow("POST", "runs/create", { experiment_id: "0" })).body.run.info;
    const created = await mlflow("POST", "logged-models", {
      experiment_id: "0", name: "clf", model_type: "sklearn", source_run_id: run.run_id,
      params: [{ key: "C", value: "1.0" }], tags: [{ key: "mlflow.source.type", value: "LOCAL" }],
    });
    expect(created.status).toBe(200);
    const info = created.body.model.info;
    expect(info).toMatchObject({ experiment_id: "0", name: "clf", model_type: "sklearn", source_run_id: run.run_id, status: "LOGGED_MODEL_PENDING" });
    expect(info.model_id).toMatch(/^m-[0-9a-f]{32}$/);
    expect(created.body.model.data.params).toEqual([{ key: "C", value: "1.0" }]);

    // The client uploads the model's files to the artifact_uri it was given.
    const base = info.artifact_uri.replace("mlflow-artifacts:/", "");
    const put = await call(artifactsApi.PUT as unknown as RouteHandler, { method: "PUT", token: key, rawBody: "flavors: {}", contentType: "text/plain", params: { path: `${base}/MLmodel`.split("/") } });
    expect(put.status).toBe(200);
    const files = await mlflow("GET", "artifacts/list", { run_id: run.run_id, path: `models/${info.model_id}` });
    expect(files.body.files).toEqual([{ path: `models/${info.model_id}/MLmodel`, is_dir: false, file_size: 11 }]);
    const listed = await mlflow("GET", `logged-models/${info.model_id}/artifacts/directories`);
    expect(listed.body).toEqual({ root_uri: info.artifact_uri, files: [{ path: "MLmodel", is_dir: false, file_size: 11 }] });

    expect((await mlflow("PATCH", `logged-models/${info.model_id}`, { model_id: info.model_id, status: "LOGGED_MODEL_READY" })).body.model.info.status).toBe("LOGGED_MODEL_READY");
    expect((await mlflow("PATCH", `logged-models/${info.model_id}`, { status: "DONE" })).body.error_code).toBe("INVALID_PARAMETER_VALUE");
    expect((await mlflow("PATCH", `logged-models/${info.model_id}/tags`, { tags: [{ key: "stage", value: "candidate" }] })).status).toBe(200);
    expect((await mlflow("POST", `logged-models/${info.model_id}/params`, { model_id: info.model_id, params: [{ key: "penalty", value: "l2" }] })).status).toBe(200);
    expect((await mlflow("DELETE", `logged-models/${info.model_id}/tags/mlflow.source.type`)).status).toBe(200);
    const got = (await mlflow("GET", `logged-models/${info.model_id}`)).body.model;
    expect(got.info.tags).toEqual([{ key: "stage", value: "candidate" }]);
    expect(got.data.params).toEqual([{ key: "C", value: "1.0" }, { key: "penalty", value: "l2" }]);

    const found = await mlflow("POST", "logged-models/search", { experiment_ids: ["0"], filter: "name = 'clf'" });
    expect(found.body.models.map((m: any) => m.info.model_id)).toEqual([info.model_id]);
    expect((await mlflow("POST", "logged-models/search", {})).body.error_code).toBe("INVALID_PARAMETER_VALUE");

    expect((await mlflow("POST", "runs/outputs", { run_id: run.run_id, models: [{ model_id: info.model_id, step: 3 }] })).status).toBe(200);
    const after = (await mlflow("GET", "runs/get", { run_id: run.run_id })).body.run;
    expect(after.outputs).toEqual({ model_outputs: [{ model_id: info.model_id, step: 3 }] });

    expect((await mlflow("DELETE", `logged-models/${info.model_id}`)).status).toBe(200);
    expect((await mlflow("GET", `logged-models/${info.model_id}`)).body.error_code).toBe("RESOURCE_DOES_NOT_EXIST");
    expect((await mlflow("GET", `logged-models/${info.model_id}`, { allow_deleted: "true" })).status).toBe(200);
  });

  it("refuses a model without a run, another org's model, and unknown model routes", async () => {
    const a = await setup();
    const b = await setup();
    const run = (await b.mlflow("POST", "runs/create", {})).body.run.info;
    const model = (await b.mlflow("POST", "logged-models", { experiment_id: "0", source_run_id: run.run_id })).body.model.info;
    expect(await a.mlflow("POST", "logged-models", { experiment_id: "0" })).toMatchObject({ status: 400, body: { error_code: "INVALID_PARAMETER_VALUE", message: expect.stringMatching(/inside a run/) } });
    expect((await a.mlflow("POST", "logged-models", { experiment_id: "0", source_run_id: run.run_id })).body.error_code).toBe("RESOURCE_DOES_NOT_EXIST");
    for (const [method, path] of [["GET", ""], ["PATCH", "/tags"], ["POST", "/params"], ["DELETE", ""]] as const) {
      const res = await a.mlflow(method, `logged-models/${model.model_id}${path}`, { status: "LOGGED_MODEL_READY", tags: [], params: [] });
      expect(res.body.error_code, `${method} ${path}`).toBe("RESOURCE_DOES_NOT_EXIST");
    }
    expect((await a.mlflow("POST", "runs/outputs", { run_id: (await a.mlflow("POST", "runs/create", {})).body.run.info.run_id, models: [{ model_id: model.model_id }] })).body.error_code).toBe("RESOURCE_DOES_NOT_EXIST");
    expect((await a.mlflow("GET", "logged-models/x/y/z")).body.error_code).toBe("ENDPOINT_NOT_FOUND");
  });

  it("records a run's dataset inputs once each and shows them on the run", async () => {
    const { mlflow } = await setup();
    const run = (await mlflow("POST", "runs/create", {})).body.run.info;
    const dataset = { name: "iris", digest: "abc123", source_type: "local", source: "{\"uri\": \"/data/iris.csv\"}", schema: "{\"mlflow_colspec\": []}" };
    for (let i = 0; i < 2; i++) {
      expect((await mlflow("POST", "runs/log-inputs", { run_id: run.run_id, datasets: [{ tags: [{ key: "mlflow.data.context", value: "train" }], dataset }] })).status).toBe(200);
    }
    expect((await mlflow("POST", "runs/log-inputs", { run_id: run.run_id, datasets: [{ dataset: { name: "x" } }] })).body.error_code).toBe("INVALID_PARAMETER_VALUE");
    const got = (await mlflow("GET", "runs/get", { run_id: run.run_id })).body.run;
    expect(got.inputs.dataset_inputs).toEqual([{ tags: [{ key: "mlflow.data.context", value: "train" }], dataset }]);
  });

  it("samples history for many runs at once (get-history-bulk-interval), within a step range, with MLflow's errors", async () => {
    const { mlflow } = await setup();
    const runs = await Promise.all([0, 1].map(async () => (await mlflow("POST", "runs/create", {})).body.run.info.run_id as string));
    for (const run of runs) {
      for (let b = 0; b < 5; b++) {
        const metrics = Array.from({ length: 200 }, (_, i) => ({ key: "loss", value: 1 / (b * 200 + i + 1), timestamp: 1_000 + b * 200 + i, step: b * 200 + i }));
        expect((await mlflow("POST", "runs/log-batch", { run_id: run, metrics })).status).toBe(200);
      }
    }
    const all = await mlflow("GET", "metrics/get-history-bulk-interval", { run_ids: runs, metric_key: "loss", max_results: 10 });
    expect(all.status).toBe(200);
    for (const run of runs) {
      const mine = all.body.metrics.filter((m: any) => m.run_id === run);
      expect(mine.length).toBeGreaterThan(1);
      expect(mine.length).toBeLessThanOrEqual(10);
      expect(mine.map((m: any) => m.step)).toEqual([...mine.map((m: any) => m.step)].sort((a, b) => a - b));
      expect(mine.at(-1)).toMatchObject({ key: "loss", step: 999, value: 1 / 1000, timestamp: 1_999 });
    }
    const ranged = await mlflow("GET", "metrics/get-history-bulk-interval", { run_ids: [runs[0]], metric_key: "loss", start_step: 100, end_step: 199, max_results: 5 });
    expect(ranged.body.metrics.every((m: any) => m.step >= 100 && m.step <= 199)).toBe(true);
    expect(ranged.body.metrics.at(-1).step).toBe(199);
    expect((await mlflow("GET", "metrics/get-history-bulk-interval", { run_ids: [runs[0]], metric_key: "loss", start_step: 5 })).body.message).toMatch(/both must be specified/);
    expect((await mlflow("GET", "metrics/get-history-bulk-interval", { run_ids: Array(101).fill(runs[0]), metric_key: "loss" })).status).toBe(400);
    const other = await setup();
    expect((await other.mlflow("GET", "metrics/get-history-bulk-interval", { run_ids: [runs[0]], metric_key: "loss" })).body.error_code).toBe("RESOURCE_DOES_NOT_EXIST");
  });
});
