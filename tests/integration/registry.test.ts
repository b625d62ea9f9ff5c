import { describe, expect, it } from "vitest";
import * as artifactsApi from "@/app/api/2.0/mlflow-artifacts/artifacts/[[...path]]/route";
import * as aliasRoute from "@/app/api/v1/models/[name]/aliases/[alias]/route";
import * as compareRoute from "@/app/api/v1/models/[name]/compare/route";
import * as modelRoute from "@/app/api/v1/models/[name]/route";
import * as versionRoute from "@/app/api/v1/models/[name]/versions/[version]/route";
import * as versionsRoute from "@/app/api/v1/models/[name]/versions/route";
import * as modelsRoute from "@/app/api/v1/models/route";
import { client, setup } from "../helpers/mlflow";
import { apiKeyFor, createOrgWithAdmin } from "../helpers/fixtures";
import { call, type RouteHandler } from "../helpers/rest";

/** The model registry over REST, and MLflow's registry endpoints over the same data. */

type Mlflow = ReturnType<typeof client>;
/** An MLflow run with a model folder among its artifacts, a param and a metric. */
async function runWithModel(mlflow: Mlflow, key: string, lr: string, acc: number) {
  const info = (await mlflow("POST", "runs/create", { experiment_id: "0" })).body.run.info;
  const base = info.artifact_uri.replace("mlflow-artifacts:/", "");
  for (const file of ["MLmodel", "model.json"]) {
    await call(artifactsApi.PUT as unknown as RouteHandler, { method: "PUT", token: key, rawBody: `{"file":"${file}"}`, contentType: "application/json", params: { path: `${base}/model/${file}`.split("/") } });
  }
  await mlflow("POST", "runs/log-batch", { run_id: info.run_id, params: [{ key: "lr", value: lr }], metrics: [{ key: "accuracy", value: acc, timestamp: Date.now(), step: 0 }] });
  return info.run_id as string;
}

const rest = (h: unknown, key: string, params: Record<string, string>, opts: { method?: string; body?: unknown; url?: string } = {}) =>
  call(h as RouteHandler, { token: key, method: opts.method ?? "GET", params, body: opts.body, url: opts.url });

describe("model registry", () => {
  it("registers run artifacts as versions with lineage; aliases move, stages archive, compare, history; bad input is 4xx", async () => {
    const { mlflow, key } = await setup();
    const [r1, r2] = [await runWithModel(mlflow, key, "0.5", 0.91), await runWithModel(mlflow, key, "0.1", 0.96)];
    const v1 = await rest(versionsRoute.POST, key, { name: "iris-clf" }, { method: "POST", body: { runId: r1, artifactPath: "model", description: "first" } });
    expect(v1.status).toBe(201);
    expect(await v1.json()).toMatchObject({ version: 1, source: `runs:/${r1}/model`, runId: r1, artifactPath: "model", stage: "None", run: { id: r1 } });
    const v2 = await rest(versionsRoute.POST, key, { name: "iris-clf" }, { method: "POST", body: { source: `runs:/${r2}/model/model.json` } });
    expect(await v2.json()).toMatchObject({ version: 2, runId: r2, artifactPath: "model/model.json" });

    expect((await rest(aliasRoute.PUT, key, { name: "iris-clf", alias: "champion" }, { method: "PUT", body: { version: 1 } })).status).toBe(200);
    expect((await rest(aliasRoute.PUT, key, { name: "iris-clf", alias: "champion" }, { method: "PUT", body: { version: "2" } })).status).toBe(200);
    expect(await (await rest(aliasRoute.GET, key, { name: "iris-clf", alias: "champion" })).json()).toMatchObject({ version: 2, aliases: ["champion"] });

    await rest(versionRoute.PATCH, key, { name: "iris-clf", version: "1" }, { method: "PATCH", body: { stage: "Production" } });
    const promoted = await rest(versionRoute.PATCH, key, { name: "iris-clf", version: "2" }, { method: "PATCH", body: { stage: "Production", archiveExisting: true } });
    expect(await promoted.json()).toMatchObject({ version: 2, stage: "Production" });
    const detail = (await (await rest(modelRoute.GET, key, { name: "iris-clf" })).json()) as { versions: Array<{ version: number; stage: string }>; aliases: unknown[]; history: Array<{ action: string; version: number | null; details: Record<string, unknown> }> };
    expect(detail.versions.map((v) => [v.version, v.stage])).toEqual([[2, "Production"], [1, "Archived"]]);
    expect(detail.aliases).toEqual([{ alias: "champion", version: 2 }]);
    expect(detail.history.map((h) => `${h.action}${h.version ? `@${h.version}` : ""}`).reverse()).toEqual([
      "create", "register@1", "register@2", "set-alias@1", "set-alias@2", "transition-stage@1", "transition-stage@1", "transition-stage@2",
    ]);
    expect(detail.history.find((h) => h.action === "set-alias" && h.version === 2)!.details).toEqual({ alias: "champion", from: 1 });

    const compared = (await (await rest(compareRoute.GET, key, { name: "iris-clf" }, { url: "http://x/api/v1/models/iris-clf/compare?a=1&b=2" })).json()) as { params: unknown[]; metrics: unknown[] };
    expect(compared.params).toEqual([{ key: "lr", a: "0.5", b: "0.1", differs: true }]);
    expect(compared.metrics).toEqual([{ key: "accuracy", a: 0.91, b: 0.96 }]);

    const listed = (await (await rest(modelsRoute.GET, key, {})).json()) as { models: Array<{ name: string; versions: number; latestVersion: number }> };
    expect(listed.models).toEqual([expect.objectContaining({ name: "iris-clf", versions: 2, latestVersion: 2 })]);

    // Refusals: no such artifact, reserved alias, duplicate model, unknown version, another org's run.
    const other = await createOrgWithAdmin();
    const otherKey = await apiKeyFor(other);
    const bad = [
      await rest(versionsRoute.POST, key, { name: "iris-clf" }, { method: "POST", body: { runId: r1, artifactPath: "nope" } }),
      await rest(versionsRoute.POST, key, { name: "iris-clf" }, { method: "POST", body: { runId: r1, artifactPath: "../etc" } }),
      await rest(aliasRoute.PUT, key, { name: "iris-clf", alias: "latest" }, { method: "PUT", body: { version: 1 } }),
      await rest(modelsRoute.POST, key, {}, { method: "POST", body: { name: "iris-clf" } }),
      await rest(versionRoute.GET, key, { name: "iris-clf", version: "9" }),
      await rest(versionsRoute.POST, otherKey, { name: "stolen" }, { method: "POST", body: { runId: r1, artifactPath: "model" } }),
      await rest(modelRoute.GET, otherKey, { name: "iris-clf" }),
      await rest(modelsRoute.POST, key, {}, { method: "POST", body: { name: "a/b" } }),
    ];
    expect(bad.map((r) => r.status)).toEqual([400, 400, 400, 409, 404, 404, 404, 400]);

    // Deleting a version takes its aliases with it.
    expect((await rest(versionRoute.DELETE, key, { name: "iris-clf", version: "2" }, { method: "DELETE" })).status).toBe(204);
    expect((await rest(aliasRoute.GET, key, { name: "iris-clf", alias: "champion" })).status).toBe(404);
    // A number is never used twice: the next version is 3, not 2 again.
    const v3 = await rest(versionsRoute.POST, key, { name: "iris-clf" }, { method: "POST", body: { runId: r2, artifactPath: "model" } });
    expect(((await v3.json()) as { version: number }).version).toBe(3);
  });

  it("serves MLflow's registry: register_model's calls, aliases, stages, search, download URI", async () => {
    const { mlflow, key } = await setup();
    const run = await runWithModel(mlflow, key, "0.3", 0.9);
    expect((await mlflow("POST", "registered-models/create", { name: "clf", tags: [{ key: "team", value: "ml" }], description: "d" })).status).toBe(200);
    // register_model creates the model, ignores RESOURCE_ALREADY_EXISTS, then creates a version and polls it.
    const again = await mlflow("POST", "registered-models/create", { name: "clf" });
    expect([again.status, again.body.error_code]).toEqual([400, "RESOURCE_ALREADY_EXISTS"]);
    const created = await mlflow("POST", "model-versions/create", { name: "clf", source: `runs:/${run}/model`, run_id: run });
    expect(created.body.model_version).toMatchObject({ name: "clf", version: "1", status: "READY", source: `runs:/${run}/model`, run_id: run, current_stage: "None" });
    expect((await mlflow("GET", "model-versions/get", { name: "clf", version: "1" })).body.model_version.status).toBe("READY");
    const uri = (await mlflow("GET", "model-versions/get-download-uri", { name: "clf", version: "1" })).body.artifact_uri;
    expect(uri).toBe(`mlflow-artifacts:/0/${run}/artifacts/model`);
    const fromArtifactUri = await mlflow("POST", "model-versions/create", { name: "clf", source: `mlflow-artifacts:/0/${run}/artifacts/model`, run_id: run });
    expect(fromArtifactUri.body.model_version.version).toBe("2");

    expect((await mlflow("POST", "registered-models/alias", { name: "clf", alias: "champion", version: "1" })).status).toBe(200);
    expect((await mlflow("GET", "registered-models/alias", { name: "clf", alias: "champion" })).body.model_version).toMatchObject({ version: "1", aliases: ["champion"] });
    expect((await mlflow("POST", "registered-models/alias", { name: "clf", alias: "v3", version: "1" })).body.error_code).toBe("INVALID_PARAMETER_VALUE");
    await mlflow("POST", "model-versions/transition-stage", { name: "clf", version: "1", stage: "Production", archive_existing_versions: false });
    await mlflow("POST", "model-versions/transition-stage", { name: "clf", version: "2", stage: "production", archive_existing_versions: true });
    const latest = await mlflow("POST", "registered-models/get-latest-versions", { name: "clf", stages: ["Production", "Archived"] });
    expect(latest.body.model_versions.map((v: { version: string; current_stage: string }) => [v.version, v.current_stage])).toEqual([["2", "Production"], ["1", "Archived"]]);
    const model = (await mlflow("GET", "registered-models/get", { name: "clf" })).body.registered_model;
    expect(model).toMatchObject({ name: "clf", description: "d", tags: [{ key: "team", value: "ml" }], aliases: [{ alias: "champion", version: "1" }] });

    await mlflow("POST", "model-versions/set-tag", { name: "clf", version: "2", key: "validated", value: "yes" });
    const byRun = await mlflow("GET", "model-versions/search", { filter: `run_id='${run}'` });
    expect(byRun.body.model_versions.map((v: { version: string }) => v.version)).toEqual(["1", "2"]);
    expect(byRun.body.model_versions[1].tags).toEqual([{ key: "validated", value: "yes" }]);
    expect((await mlflow("GET", "registered-models/search", { filter: "name LIKE 'cl%'" })).body.registered_models.map((m: { name: string }) => m.name)).toEqual(["clf"]);
    expect((await mlflow("GET", "registered-models/search", { filter: "tags.x = 'y'" })).body.error_code).toBe("INVALID_PARAMETER_VALUE");

    expect((await mlflow("POST", "registered-models/rename", { name: "clf", new_name: "iris" })).body.registered_model.name).toBe("iris");
    expect((await mlflow("GET", "registered-models/get", { name: "clf" })).body.error_code).toBe("RESOURCE_DOES_NOT_EXIST");
    expect((await mlflow("POST", "model-versions/create", { name: "iris", source: `runs:/${run}/../../x` })).body.error_code).toBe("INVALID_PARAMETER_VALUE");
    expect((await mlflow("DELETE", "model-versions/delete", { name: "iris", version: "1" })).status).toBe(200);
    expect((await mlflow("DELETE", "registered-models/delete", { name: "iris" })).status).toBe(200);
    expect((await mlflow("GET", "registered-models/search", {})).body.registered_models).toEqual([]);
  });
});
