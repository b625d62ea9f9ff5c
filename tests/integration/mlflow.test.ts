import { describe, expect, it } from "vitest";
import * as artifactsApi from "@/app/api/2.0/mlflow-artifacts/artifacts/[[...path]]/route";
import { client, setup } from "../helpers/mlflow";
import { call, type RouteHandler } from "../helpers/rest";

/**
 * The MLflow REST contract, endpoint by endpoint, as mlflow/server/handlers.py, protos/service.proto
 * and utils/validation.py define it: fields, error codes and HTTP statuses an unmodified client
 * relies on (a miss must be RESOURCE_DOES_NOT_EXIST, validation a 400, never a 500 it would retry).
 */
describe("MLflow REST API", () => {
  it("serves a client's session: get-by-name miss → create → run → log-batch → update → search → get-history", async () => {
    const { mlflow } = await setup();
    const miss = await mlflow("GET", "experiments/get-by-name", { experiment_name: "iris" });
    expect(miss).toEqual({ status: 404, body: { error_code: "RESOURCE_DOES_NOT_EXIST", message: expect.stringContaining("iris") } });
    const created = await mlflow("POST", "experiments/create", { name: "iris", tags: [{ key: "team", value: "ml" }] });
    expect(created.status).toBe(200);
    const experimentId = created.body.experiment_id as string;
    expect(await mlflow("POST", "experiments/create", { name: "iris" })).toMatchObject({ status: 400, body: { error_code: "RESOURCE_ALREADY_EXISTS" } });
    const got = await mlflow("GET", "experiments/get-by-name", { experiment_name: "iris" });
    expect(got.body.experiment).toMatchObject({ experiment_id: experimentId, name: "iris", lifecycle_stage: "active", tags: [{ key: "team", value: "ml" }], artifact_location: `mlflow-artifacts:/${experimentId}` });

    const run = await mlflow("POST", "runs/create", { experiment_id: experimentId, run_name: "first", start_time: 1_700_000_000_000, tags: [{ key: "mlflow.user", value: "ada" }] });
    expect(run.status).toBe(200);
    const info = run.body.run.info;
    expect(info).toMatchObject({ run_name: "first", experiment_id: experimentId, status: "RUNNING", start_time: 1_700_000_000_000, lifecycle_stage: "active" });
    expect(info.run_uuid).toBe(info.run_id);
    expect(info.user_id).toContain("@"); // the person who created the API key, as MLflow shows a run's user
    expect(info.artifact_uri).toBe(`mlflow-artifacts:/${experimentId}/${info.run_id}/artifacts`);
    expect(run.body.run.data.tags).toEqual(expect.arrayContaining([{ key: "mlflow.runName", value: "first" }, { key: "mlflow.user", value: "ada" }]));

    const batch = await mlflow("POST", "runs/log-batch", {
      run_id: info.run_id,
      metrics: [{ key: "loss", value: 0.9, timestamp: 1, step: 0 }, { key: "loss", value: "NaN", timestamp: 2, step: 1 }, { key: "loss", value: 0.3, timestamp: 3, step: 2 }],
      params: [{ key: "lr", value: "0.01" }], tags: [{ key: "t", value: "a" }, { key: "t", value: "b" }],
    });
    expect(batch).toEqual({ status: 200, body: {} });
    // log_metric without a step, many times (MLflow keys points by time too): every point kept.
    for (let i = 0; i < 3; i++) expect((await mlflow("POST", "runs/log-metric", { run_uuid: info.run_id, key: "acc", value: i / 10, timestamp: 10 + i })).status).toBe(200);
    expect((await mlflow("POST", "runs/log-parameter", { run_id: info.run_id, key: "lr", value: "0.01" })).status).toBe(200);
    expect(await mlflow("POST", "runs/log-parameter", { run_id: info.run_id, key: "lr", value: "0.02" })).toMatchObject({ status: 400, body: { error_code: "INVALID_PARAMETER_VALUE" } });

    const done = await mlflow("POST", "runs/update", { run_id: info.run_id, status: "FINISHED", end_time: 1_700_000_100_000 });
    expect(done.body.run_info).toMatchObject({ status: "FINISHED", end_time: 1_700_000_100_000 });

    const found = await mlflow("POST", "runs/search", { experiment_ids: [experimentId], filter: "metrics.loss < 0.5 and params.lr = '0.01' and tags.t = 'b'", max_results: 10 });
    expect(found.status).toBe(200);
    expect(found.body.runs.map((r: any) => r.info.run_id)).toEqual([info.run_id]);
    expect(found.body.next_page_token).toBeUndefined();
    expect(found.body.runs[0].data.metrics).toEqual(expect.arrayContaining([{ key: "loss", value: 0.3, timestamp: 3, step: 2 }, { key: "acc", value: 0.2, timestamp: 12, step: 0 }]));
    expect((await mlflow("POST", "runs/search", { experiment_ids: [experimentId], filter: "metrics.loss > 0.5" })).body.runs).toEqual([]);

    const history = await mlflow("GET", "metrics/get-history", { run_id: info.run_id, metric_key: "loss" });
    expect(history.body).toEqual({ metrics: [
      { key: "loss", value: 0.9, timestamp: 1, step: 0 }, { key: "loss", value: "NaN", timestamp: 2, step: 1 }, { key: "loss", value: 0.3, timestamp: 3, step: 2 },
    ] });
    const acc = await mlflow("GET", "metrics/get-history", { run_id: info.run_id, metric_key: "acc", max_results: 2 });
    expect(acc.body.metrics).toHaveLength(2);
    const rest = await mlflow("GET", "metrics/get-history", { run_id: info.run_id, metric_key: "acc", max_results: 2, page_token: acc.body.next_page_token });
    expect(rest.body.metrics.map((m: any) => m.value)).toEqual([0.2]);
  });

  it("has the Default experiment \"0\", soft-deletes and restores, and pages searches", async () => {
    const { mlflow } = await setup();
    expect((await mlflow("GET", "experiments/get", { experiment_id: "0" })).body.experiment).toMatchObject({ experiment_id: "0", name: "Default" });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await mlflow("POST", "runs/create", {})).body.run.info.run_id);
    expect((await mlflow("POST", "runs/create", {})).body.run.info.experiment_id).toBe("0");
    const page1 = await mlflow("POST", "runs/search", { experiment_ids: ["0"], max_results: 2 });
    expect(page1.body.runs).toHaveLength(2);
    const page2 = await mlflow("POST", "runs/search", { experiment_ids: ["0"], max_results: 2, page_token: page1.body.next_page_token });
    expect(page2.body.runs).toHaveLength(2);
    expect(page2.body.next_page_token).toBeUndefined();
    expect((await mlflow("POST", "runs/delete", { run_id: ids[0] })).status).toBe(200);
    expect((await mlflow("GET", "runs/get", { run_id: ids[0] })).body.run.info.lifecycle_stage).toBe("deleted");
    expect((await mlflow("POST", "runs/search", { experiment_ids: ["0"] })).body.runs).toHaveLength(3);
    expect((await mlflow("POST", "runs/search", { experiment_ids: ["0"], run_view_type: "DELETED_ONLY" })).body.runs).toHaveLength(1);
    await mlflow("POST", "runs/restore", { run_id: ids[0] });
    expect((await mlflow("POST", "runs/search", { experiment_ids: ["0"] })).body.runs).toHaveLength(4);
    expect(await mlflow("POST", "experiments/delete", { experiment_id: "0" })).toMatchObject({ status: 400, body: { error_code: "INVALID_PARAMETER_VALUE" } });
  });

  it("answers bad input with MLflow's codes and 4xx, never 5xx", async () => {
    const { mlflow } = await setup();
    const runId = (await mlflow("POST", "runs/create", {})).body.run.info.run_id;
    const cases: Array<[Promise<{ status: number; body: any }>, number, string, RegExp?]> = [
      [mlflow("GET", "runs/get", { run_id: "00000000-0000-0000-0000-000000000000" }), 404, "RESOURCE_DOES_NOT_EXIST"],
      [mlflow("GET", "runs/get", {}), 400, "INVALID_PARAMETER_VALUE", /run_id/],
      [mlflow("POST", "experiments/create", { name: "" }), 400, "INVALID_PARAMETER_VALUE", /name/],
      [mlflow("POST", "experiments/create", { name: "x".repeat(501) }), 400, "INVALID_PARAMETER_VALUE", /500/],
      [mlflow("POST", "runs/search", { filter: "metrics.loss <" }), 400, "INVALID_PARAMETER_VALUE", /expected a value/],
      [mlflow("POST", "runs/log-batch", { run_id: runId, metrics: Array.from({ length: 1001 }, (_, i) => ({ key: "m", value: i, timestamp: i })) }), 400, "INVALID_PARAMETER_VALUE", /at most 1000 metrics/],
      [mlflow("POST", "runs/log-batch", { run_id: runId, params: Array.from({ length: 101 }, (_, i) => ({ key: `p${i}`, value: "1" })) }), 400, "INVALID_PARAMETER_VALUE", /at most 100 params/],
      [mlflow("POST", "runs/log-batch", { run_id: runId, params: [{ key: "a", value: "1" }, { key: "a", value: "2" }] }), 400, "INVALID_PARAMETER_VALUE", /Duplicate parameter keys/],
      [mlflow("POST", "runs/log-batch", { run_id: runId, metrics: [{ key: "../x", value: 1, timestamp: 1 }] }), 400, "INVALID_PARAMETER_VALUE", /Invalid metric name/],
      [mlflow("POST", "runs/log-metric", { run_id: runId, key: "m", value: "lots", timestamp: 1 }), 400, "INVALID_PARAMETER_VALUE", /valid double/],
      [mlflow("POST", "runs/log-metric", { run_id: runId, key: "m", value: 1 }), 400, "INVALID_PARAMETER_VALUE", /timestamp/],
      [mlflow("POST", "runs/log-parameter", { run_id: runId, key: "p", value: "v".repeat(6_001) }), 400, "INVALID_PARAMETER_VALUE", /6000/],
      [mlflow("POST", "runs/delete-tag", { run_id: runId, key: "nope" }), 404, "RESOURCE_DOES_NOT_EXIST"],
      [mlflow("POST", "runs/update", { run_id: runId, status: "EXPLODED" }), 400, "INVALID_PARAMETER_VALUE"],
      [mlflow("POST", "no/such-endpoint", {}), 404, "ENDPOINT_NOT_FOUND"],
    ];
    for (const [pending, status, code, message] of cases) {
      const res = await pending;
      expect(res, JSON.stringify(res.body)).toMatchObject({ status, body: { error_code: code } });
      if (message) expect(res.body.message).toMatch(message);
    }
    // Nothing half-written: the refused batches left the run empty.
    expect((await mlflow("GET", "runs/get", { run_id: runId })).body.run.data).toMatchObject({ metrics: [], params: [] });
  });

  it("authenticates Bearer and Basic, and keeps every endpoint inside the key's organization", async () => {
    const a = await setup();
    const b = await setup();
    const runId = (await b.mlflow("POST", "runs/create", {})).body.run.info.run_id;
    const basic = client("", { authorization: `Basic ${Buffer.from(`me:${a.key}`).toString("base64")}` });
    expect((await basic("GET", "experiments/get", { experiment_id: "0" })).status).toBe(200);
    expect((await client("anv_nope")("GET", "experiments/get", { experiment_id: "0" })).body.error_code).toBe("UNAUTHENTICATED");
    for (const path of ["runs/get", "metrics/get-history", "artifacts/list"]) {
      expect((await a.mlflow("GET", path, { run_id: runId, metric_key: "x" })).body.error_code, path).toBe("RESOURCE_DOES_NOT_EXIST");
    }
    for (const path of ["runs/update", "runs/log-metric", "runs/log-batch", "runs/log-parameter", "runs/set-tag", "runs/delete", "runs/log-model"]) {
      const res = await a.mlflow("POST", path, { run_id: runId, key: "k", value: 1, timestamp: 1, status: "FAILED", model_json: "{}" });
      expect(res.body.error_code, path).toBe("RESOURCE_DOES_NOT_EXIST");
    }
    expect((await a.mlflow("POST", "runs/search", {})).body.runs.map((r: any) => r.info.run_id)).not.toContain(runId);
    expect((await b.mlflow("GET", "runs/get", { run_id: runId })).body.run.info.status).toBe("RUNNING");
  });

  it("proxies artifacts: upload, list, download; traversal and other orgs refused", async () => {
    const { mlflow, key } = await setup();
    const info = (await mlflow("POST", "runs/create", {})).body.run.info;
    const base = info.artifact_uri.replace("mlflow-artifacts:/", "");
    const put = await call(artifactsApi.PUT as unknown as RouteHandler, { method: "PUT", token: key, rawBody: "hello", contentType: "text/plain", params: { path: `${base}/model/notes.txt`.split("/") } });
    expect(put.status).toBe(200);
    expect(await put.json()).toEqual({});
    const listed = await mlflow("GET", "artifacts/list", { run_id: info.run_id });
    expect(listed.body).toEqual({ root_uri: info.artifact_uri, files: [{ path: "model", is_dir: true }] });
    const proxyList = await call(artifactsApi.GET as unknown as RouteHandler, { token: key, url: `http://x/api/2.0/mlflow-artifacts/artifacts?path=${base}/model`, params: {} });
    expect(await proxyList.json()).toEqual({ files: [{ path: "notes.txt", is_dir: false, file_size: 5 }] });
    const get = await call(artifactsApi.GET as unknown as RouteHandler, { token: key, params: { path: `${base}/model/notes.txt`.split("/") } });
    expect(await get.text()).toBe("hello");
    expect(get.headers.get("content-disposition")).toMatch(/^attachment/);
    const evil = await call(artifactsApi.PUT as unknown as RouteHandler, { method: "PUT", token: key, rawBody: "x", params: { path: `${base}/../../etc/passwd`.split("/") } });
    expect(evil.status).toBe(400);
    const other = await setup();
    const stolen = await call(artifactsApi.GET as unknown as RouteHandler, { token: other.key, params: { path: `${base}/model/notes.txt`.split("/") } });
    expect((await stolen.json()).error_code).toBe("RESOURCE_DOES_NOT_EXIST");
  });
});
