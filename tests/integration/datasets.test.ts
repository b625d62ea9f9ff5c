import { Readable } from "node:stream";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import * as seedOne from "@/app/api/datasets/[id]/route";
import * as seedUpload from "@/app/api/datasets/upload/route";
import * as datasetOne from "@/app/api/v1/datasets/[id]/route";
import * as rulesRoute from "@/app/api/v1/datasets/[id]/rules/route";
import * as versionOne from "@/app/api/v1/datasets/[id]/versions/[version]/route";
import * as download from "@/app/api/v1/datasets/[id]/versions/[version]/download/route";
import * as datasetsRoute from "@/app/api/v1/datasets/route";
import { getDb } from "@/server/db/client";
import { getVersion, uploadDataset } from "@/server/datasets/datasets";
import { profilePending } from "@/server/datasets/profiling";
import { getObjectStore } from "@/server/storage";
import { systemActor } from "@/server/tenancy/actor";
import { datasetVersions } from "@/server/db/schema";
import { apiKeyFor, createOrgWithAdmin } from "../helpers/fixtures";
import { waitFor } from "../helpers/wait";
import { call, type RouteHandler } from "../helpers/rest";

/** Datasets over the REST API: streamed uploads, content-hash versions, profile, rules, seed endpoints. */

const CSV = "id,sepal,label\n1,5.1,setosa\n2,4.9,setosa\n3,,versicolor\n3,6.3,virginica\n";
const rest = (h: unknown, token: string, opts: { method?: string; body?: BodyInit; json?: unknown; params?: Record<string, string>; url?: string; contentType?: string } = {}) => {
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (opts.contentType) headers["content-type"] = opts.contentType;
  if (opts.json !== undefined) return call(h as RouteHandler, { token, method: opts.method, body: opts.json, params: opts.params ?? {}, url: opts.url });
  const req = new Request(opts.url ?? "http://x/api", { method: opts.method ?? "GET", headers, body: opts.body, ...(opts.body ? { duplex: "half" } : {}) } as RequestInit);
  return (h as RouteHandler)(req, { params: Promise.resolve(opts.params ?? {}) });
};

describe("datasets", () => {
  it("uploads a CSV as a stream: a version with its profile; the same bytes again make no new version", async () => {
    const t = await createOrgWithAdmin();
    const key = await apiKeyFor(t, "user");
    // A body that arrives in small pieces, as a network stream does.
    const body = Readable.toWeb(Readable.from(CSV.match(/.{1,7}/gs)!.map((s) => Buffer.from(s)))) as ReadableStream;
    const res = await rest(datasetsRoute.POST, key, { method: "POST", body, url: "http://x/api/v1/datasets?name=iris&domain=botany", contentType: "text/csv" });
    expect(res.status).toBe(201);
    const first = (await res.json()) as { dataset: { id: string }; version: { version: number; rows: number; sha256: string; columns: Array<{ name: string; type: string; nulls: number }> } };
    expect(first.version).toMatchObject({ version: 1, rows: 4 });
    expect(first.version.columns.map((c) => [c.name, c.type, c.nulls])).toEqual([["id", "integer", 0], ["sepal", "number", 1], ["label", "string", 0]]);

    const again = await rest(datasetsRoute.POST, key, { method: "POST", body: CSV, url: "http://x/api/v1/datasets?name=IRIS" });
    expect(again.status).toBe(200);
    expect(((await again.json()) as { created: boolean; version: { version: number } })).toMatchObject({ created: false, version: { version: 1 } });
    const changed = await rest(datasetsRoute.POST, key, { method: "POST", body: CSV + "5,5.0,setosa\n", url: "http://x/api/v1/datasets?name=iris" });
    expect(((await changed.json()) as { version: { version: number } }).version.version).toBe(2);

    const detail = (await (await rest(datasetOne.GET, key, { params: { id: first.dataset.id } })).json()) as { name: string; domain: string; versions: unknown[] };
    expect(detail).toMatchObject({ name: "iris", domain: "botany" });
    expect(detail.versions).toHaveLength(2);
    const v1 = (await (await rest(versionOne.GET, key, { params: { id: first.dataset.id, version: "1" } })).json()) as { preview: unknown[][] };
    expect(v1.preview[0]).toEqual([1, 5.1, "setosa"]);
    const file = await rest(download.GET, key, { params: { id: first.dataset.id, version: "1" } });
    expect(await file.text()).toBe(CSV);
    expect(file.headers.get("x-content-sha256")).toBe(first.version.sha256);
  });

  it("checks rules on the latest version and on every new one, with a report per rule", async () => {
    const t = await createOrgWithAdmin();
    const key = await apiKeyFor(t, "user");
    const up = (await (await rest(datasetsRoute.POST, key, { method: "POST", body: CSV, url: "http://x/api/v1/datasets?name=flowers" })).json()) as { dataset: { id: string } };
    const res = await rest(rulesRoute.PUT, key, { method: "PUT", params: { id: up.dataset.id }, json: { rules: [
      { kind: "not_null", column: "sepal" }, { kind: "unique", column: "id" }, { kind: "allowed", column: "label", values: ["setosa", "versicolor", "virginica"] }, { kind: "range", column: "sepal", min: 4, max: 7 },
    ] } });
    expect(res.status).toBe(200);
    const { report } = (await res.json()) as { report: Array<{ passed: boolean; failures: number }> };
    expect(report.map((r) => [r.passed, r.failures])).toEqual([[false, 1], [false, 1], [true, 0], [true, 0]]);
    const bad = await rest(rulesRoute.PUT, key, { method: "PUT", params: { id: up.dataset.id }, json: { rules: [{ kind: "range", column: "x" }] } });
    expect(bad.status).toBe(400);
    const next = (await (await rest(datasetsRoute.POST, key, { method: "POST", body: "id,sepal,label\n1,5,setosa\n", url: "http://x/api/v1/datasets?name=flowers" })).json()) as { version: { validation: Array<{ passed: boolean }> } };
    expect(next.version.validation.every((r) => r.passed)).toBe(true);
  });

  it("refuses what is not a table with a 400 and keeps nothing; an interrupted upload leaves no version", async () => {
    const t = await createOrgWithAdmin();
    const key = await apiKeyFor(t, "user");
    const refused = await rest(datasetsRoute.POST, key, { method: "POST", body: 'a,b\n1,"never closed\n', url: "http://x/api/v1/datasets?name=broken" });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(/Not a valid CSV file: a quoted field/);
    expect((await rest(datasetsRoute.POST, key, { method: "POST", body: CSV, url: "http://x/api/v1/datasets" })).status).toBe(400); // no name

    const broken = new ReadableStream<Uint8Array>({
      start(c) { c.enqueue(new TextEncoder().encode("id,x\n1,2\n")); },
      pull(c) { c.error(new Error("client went away")); },
    });
    const cut = await rest(datasetsRoute.POST, key, { method: "POST", body: broken, url: "http://x/api/v1/datasets?name=halfway" });
    expect(cut.status).toBeGreaterThanOrEqual(400);
    const db = await getDb();
    expect(await db.select().from(datasetVersions).where(eq(datasetVersions.orgId, t.orgId))).toEqual([]);
    const list = (await (await rest(datasetsRoute.GET, key)).json()) as { datasets: unknown[] };
    expect(list.datasets).toEqual([]);
  });

  it("serves the seed's endpoints: multipart upload with its fields, and the dataset in its DTO", async () => {
    const t = await createOrgWithAdmin();
    const key = await apiKeyFor(t, "user");
    const form = new FormData();
    form.set("name", "math-reasoning");
    form.set("datasetType", "training");
    form.set("domain", "math");
    form.set("userId", "1");
    form.set("file", new Blob(['{"q":"1+1","a":2}\n{"q":"2+2","a":4}\n'], { type: "application/x-ndjson" }), "math.jsonl");
    const req = new Request("http://x/api/datasets/upload", { method: "POST", headers: { authorization: `Bearer ${key}` }, body: form });
    const res = await (seedUpload.POST as unknown as RouteHandler)(req, { params: Promise.resolve({}) });
    expect(res.status).toBe(201);
    const created = (await res.json()) as { datasetId: string };
    expect(created).toMatchObject({ name: "math-reasoning", datasetType: "training", domain: "math", sampleCount: 2, format: "jsonl", isOptimized: false, sourceDatasetId: null });
    const got = (await (await rest(seedOne.GET, key, { params: { id: created.datasetId } })).json()) as { datasetId: string; fileSize: number };
    expect(got).toMatchObject({ datasetId: created.datasetId, fileSize: 36 });
    const other = await createOrgWithAdmin();
    expect((await rest(seedOne.GET, await apiKeyFor(other, "admin"), { params: { id: created.datasetId } })).status).toBe(404);
  });

  it("a file past the inline limit is stored at once and profiled in full in the background; a bad one is marked failed", async () => {
    const t = await createOrgWithAdmin();
    const db = await getDb();
    const store = getObjectStore();
    const rows = Array.from({ length: 5000 }, (_, i) => `${i},${i % 7},label-${i % 3}`).join("\n");
    const big = `id,x,label\n${rows}\n`;
    const up = await uploadDataset(db, store, t.orgId, systemActor("test"), { name: "big", type: "training", domain: "", format: "csv" }, Readable.from([Buffer.from(big)]), { inlineLimit: 1024 });
    expect(up.version).toMatchObject({ profileState: "pending" });
    // A bad quote past the limit: stored, then found by the full pass.
    const bad = await uploadDataset(db, store, t.orgId, systemActor("test"), { name: "bad", type: "training", domain: "", format: "csv" }, Readable.from([Buffer.from(`${big}9,"open\n`)]), { inlineLimit: 1024 });
    expect(bad.version.profileState).toBe("pending");
    // The uploads kicked the background pass already; this one takes whatever it has not claimed.
    await profilePending(db, store);
    const settled = async (id: string) => (await getVersion(db, t.orgId, id, 1)).profileState;
    await waitFor(async () => ["ready", "failed"].includes(await settled(up.dataset.id)) && ["ready", "failed"].includes(await settled(bad.dataset.id)), 10_000, "both full profiles");
    const done = await getVersion(db, t.orgId, up.dataset.id, 1);
    expect(done).toMatchObject({ profileState: "ready", rows: 5000 });
    expect(done.columns.map((c) => c.type)).toEqual(["integer", "integer", "string"]);
    const failed = await getVersion(db, t.orgId, bad.dataset.id, 1);
    expect(failed).toMatchObject({ profileState: "failed", profileError: expect.stringMatching(/never closed/) });
  });
});
