import { describe, expect, it } from "vitest";
import * as metricsRoute from "@/app/api/v1/runs/[runId]/metrics/route";
import * as metricsStream from "@/app/api/v1/runs/[runId]/metrics/stream/route";
import * as logsStream from "@/app/api/v1/runs/[runId]/logs/stream/route";
import * as paramsRoute from "@/app/api/v1/runs/[runId]/params/route";
import * as tagsRoute from "@/app/api/v1/runs/[runId]/tags/route";
import * as artifactsRoute from "@/app/api/v1/runs/[runId]/artifacts/[...path]/route";
import { issueRunToken } from "@/server/tracking/run-tokens";
import { appendRunLog } from "@/server/tracking/logs";
import { apiKeyFor, callerFor, createOrgWithAdmin } from "../helpers/fixtures";
import { call, readSse, type RouteHandler } from "../helpers/rest";

async function setup() {
  const t = await createOrgWithAdmin();
  const caller = await callerFor(t.adminId);
  const { id: runId } = await caller.training.submit({ org: t.slug, job: { name: "ingest", command: "true" } as never });
  const token = await issueRunToken(t.db, { id: runId, orgId: t.orgId, attempt: 1 });
  return { t, caller, runId, token };
}

const postMetrics = (runId: string, token: string, body: unknown) => call(metricsRoute.POST as RouteHandler, { method: "POST", token, body, params: { runId } });

describe("POST /api/v1/runs/{id}/metrics", () => {
  it("accepts NaN and ±Infinity and ignores a replayed batch", async () => {
    const { t, caller, runId, token } = await setup();
    const batch = { metrics: [
      { key: "loss", value: 0.5, step: 0 }, { key: "loss", value: "NaN", step: 1 },
      { key: "loss", value: "Infinity", step: 2 }, { key: "loss", value: "-Infinity", step: 3 }, { key: "loss", value: 0.25, step: 4 },
    ] };
    const first = await postMetrics(runId, token, batch);
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ accepted: 5, inserted: 5 });
    expect(await (await postMetrics(runId, token, batch)).json()).toEqual({ accepted: 5, inserted: 0 });
    const series = await caller.runs.metricSeries({ org: t.slug, runId, buckets: 100 });
    expect(series[0].points.map((p) => p.last)).toEqual([0.5, null, null, null, 0.25]);
  });

  it("answers bad input with a 400 that names the field, and stores nothing", async () => {
    const { t, caller, runId, token } = await setup();
    const cases: Array<[unknown, RegExp]> = [
      [{ metrics: [{ key: "loss", value: "lots", step: 0 }] }, /metrics\.0\.value/],
      [{ metrics: [{ key: "loss", value: 1, step: -1 }] }, /metrics\.0\.step/],
      [{ metrics: [{ key: "loss", value: 1, step: 1.5 }] }, /step must be an integer/],
      [{ metrics: [{ value: 1, step: 1 }] }, /metrics\.0\.key/],
      [{ metrics: [] }, /at least one point/],
      [{ points: [] }, /metrics/],
    ];
    for (const [body, message] of cases) {
      const res = await postMetrics(runId, token, body);
      expect(res.status).toBe(400);
      expect((await res.json()).error.message).toMatch(message);
    }
    const notJson = await call(metricsRoute.POST as RouteHandler, { method: "POST", token, rawBody: "{oops", contentType: "application/json", params: { runId } });
    expect(notJson.status).toBe(400);
    expect((await notJson.json()).error.message).toMatch(/not valid JSON/);
    expect(await caller.runs.metricSeries({ org: t.slug, runId, buckets: 10 })).toEqual([]);
  });

  it("refuses unknown tokens (401) and another org's run or a run the token is not for (404)", async () => {
    const a = await setup();
    const b = await setup();
    expect((await postMetrics(a.runId, "anvr_nope", { metrics: [{ key: "x", value: 1, step: 0 }] })).status).toBe(401);
    expect((await postMetrics(b.runId, a.token, { metrics: [{ key: "x", value: 1, step: 0 }] })).status).toBe(404);
    const keyA = await apiKeyFor(a.t);
    expect((await postMetrics(b.runId, keyA, { metrics: [{ key: "x", value: 1, step: 0 }] })).status).toBe(404);
    const viewerKey = await apiKeyFor(a.t, "viewer");
    expect((await postMetrics(a.runId, viewerKey, { metrics: [{ key: "x", value: 1, step: 0 }] })).status).toBe(403);
  });
});

describe("params, tags and artifacts", () => {
  it("keeps params write-once and tags mutable", async () => {
    const { t, caller, runId, token } = await setup();
    const post = (handler: unknown, body: unknown) => call(handler as RouteHandler, { method: "POST", token, body, params: { runId } });
    expect((await post(paramsRoute.POST, { params: { lr: 0.1, epochs: 10 } })).status).toBe(200);
    expect((await post(paramsRoute.POST, { params: { lr: "0.1" } })).status).toBe(200);
    const clash = await post(paramsRoute.POST, { params: { lr: 0.2 } });
    expect(clash.status).toBe(409);
    expect((await clash.json()).error.message).toMatch(/"lr" is already "0.1"/);
    await post(tagsRoute.POST, { tags: { stage: "a" } });
    await post(tagsRoute.POST, { tags: { stage: "b" } });
    const run = await caller.runs.get({ org: t.slug, runId });
    expect(run.tags).toEqual([{ key: "stage", value: "b" }]);
    expect(run.params).toEqual(expect.arrayContaining([{ key: "lr", value: "0.1" }, { key: "epochs", value: "10" }]));
  });

  it("streams an artifact in and out, and rejects path traversal", async () => {
    const { t, caller, runId, token } = await setup();
    const body = new TextEncoder().encode(JSON.stringify({ weights: [1, 2, 3] }));
    const put = await call(artifactsRoute.PUT as RouteHandler, { method: "PUT", token, rawBody: body, contentType: "application/json", params: { runId, path: ["model", "model.json"] } });
    expect(put.status).toBe(201);
    expect(await put.json()).toMatchObject({ path: "model/model.json", size: body.length });
    const get = await call(artifactsRoute.GET as RouteHandler, { token, params: { runId, path: ["model", "model.json"] } });
    expect(await get.json()).toEqual({ weights: [1, 2, 3] });
    const evil = await call(artifactsRoute.PUT as RouteHandler, { method: "PUT", token, rawBody: "x", params: { runId, path: ["..", "..", "etc"] } });
    expect(evil.status).toBe(400);
    expect((await caller.runs.get({ org: t.slug, runId })).artifacts.map((a) => a.path)).toEqual(["model/model.json"]);
  });
});

describe("SSE streams", () => {
  it("streams per-key summaries and resumes after Last-Event-ID without repeating", async () => {
    const { runId, token } = await setup();
    await postMetrics(runId, token, { metrics: [0, 1, 2, 3].map((step) => ({ key: "loss", value: 1 / (step + 1), step })) });
    await postMetrics(runId, token, { metrics: [{ key: "acc", value: 0.5, step: 0 }] });
    const first = (await readSse(await call(metricsStream.GET as RouteHandler, { token, params: { runId } }), 2)).filter((e) => e.event === "metric");
    expect(first.map((e) => JSON.parse(e.data))).toEqual([
      expect.objectContaining({ key: "loss", n: 4, lastStep: 3, last: 0.25, min: 0.25, max: 1 }),
      expect.objectContaining({ key: "acc", n: 1, lastStep: 0, last: 0.5 }),
    ]);
    await postMetrics(runId, token, { metrics: [{ key: "loss", value: 0.1, step: 4 }] });
    const resumed = await readSse(await call(metricsStream.GET as RouteHandler, { token, params: { runId }, headers: { "last-event-id": first[1].id! } }), 1);
    const metric = resumed.filter((e) => e.event === "metric");
    expect(metric).toHaveLength(1);
    expect(JSON.parse(metric[0].data)).toMatchObject({ key: "loss", lastStep: 4, n: 5, min: 0.1 });
  });

  it("streams logs with a cursor", async () => {
    const { t, runId, token } = await setup();
    await appendRunLog(t.db, { id: runId, orgId: t.orgId, attempt: 1 }, "hello\n");
    await appendRunLog(t.db, { id: runId, orgId: t.orgId, attempt: 1 }, "world\n");
    const events = await readSse(await call(logsStream.GET as RouteHandler, { token, params: { runId } }), 2);
    expect(events.filter((e) => e.event === "log").map((e) => JSON.parse(e.data).text).join("")).toBe("hello\nworld\n");
    const after = await readSse(await call(logsStream.GET as RouteHandler, { token, url: `http://x/?cursor=${events.find((e) => e.event === "log")!.id}`, params: { runId } }), 1);
    expect(after.filter((e) => e.event === "log").map((e) => JSON.parse(e.data).text)).toEqual(["world\n"]);
  });
});
