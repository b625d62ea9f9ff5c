import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import * as artifactsRoute from "@/app/api/v1/runs/[runId]/artifacts/[...path]/route";
import { getDb } from "@/server/db/client";
import { artifacts } from "@/server/db/schema";
import { getObjectStore } from "@/server/storage";
import { issueRunToken } from "@/server/tracking/run-tokens";
import { eq } from "drizzle-orm";
import { callerFor, createOrgWithAdmin } from "../helpers/fixtures";
import { call, type RouteHandler } from "../helpers/rest";

async function setup() {
  const t = await createOrgWithAdmin();
  const caller = await callerFor(t.adminId);
  const { id: runId } = await caller.training.submit({ org: t.slug, job: { name: "artifacts", command: "true" } as never });
  const token = await issueRunToken(t.db, { id: runId, orgId: t.orgId, attempt: 1 });
  return { t, caller, runId, token };
}

const put = (runId: string, token: string, path: string[], body: string | Uint8Array, contentType = "application/octet-stream") =>
  call(artifactsRoute.PUT as RouteHandler, { method: "PUT", token, rawBody: body, contentType, params: { runId, path } });
const get = (runId: string, token: string, path: string[], query = "") =>
  call(artifactsRoute.GET as RouteHandler, { token, params: { runId, path }, url: `http://127.0.0.1:3000/api/x${query}` });

describe("artifacts", () => {
  it("serves what a run uploaded as a sandboxed download that no browser runs as a page", async () => {
    const { runId, token } = await setup();
    const html = "<script>fetch('/api/trpc/apiKeys.create')</script>";
    expect((await put(runId, token, ["report.html"], html, "text/html")).status).toBe(201);
    const res = await get(runId, token, ["report.html"]);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-disposition")).toMatch(/^attachment;/);
    expect(res.headers.get("content-security-policy")).toMatch(/^sandbox; default-src 'none'/);
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(await res.text()).toBe(html);
    const head = await get(runId, token, ["report.html"], "?head=8");
    expect(head.headers.get("x-artifact-partial")).toBe("true");
    expect(await head.text()).toBe(html.slice(0, 8));
  });

  it("keeps 128 concurrent uploads to one path whole: every request succeeds and the stored bytes match the recorded checksum", async () => {
    const { t, runId, token } = await setup();
    const bodies = Array.from({ length: 128 }, (_, i) => `upload ${i} `.repeat(2_000 + i));
    for (let round = 0; round < 3; round++) {
      const responses = await Promise.all(bodies.map((b) => put(runId, token, ["model", "weights.bin"], b)));
      expect(responses.map((r) => r.status)).toEqual(Array(128).fill(201));
      const [row] = await (await getDb()).select().from(artifacts).where(eq(artifacts.runId, runId));
      const stored = await new Response((await get(runId, token, ["model", "weights.bin"])).body).text();
      expect(createHash("sha256").update(stored).digest("hex")).toBe(row.sha256);
      expect(Buffer.byteLength(stored)).toBe(row.size);
      expect(bodies).toContain(stored);
    }
    // Replaced uploads leave no orphan objects behind.
    const rows = await t.db.select().from(artifacts).where(eq(artifacts.runId, runId));
    expect(rows).toHaveLength(1);
    await expect(getObjectStore().get(rows[0].storageKey)).resolves.toBeDefined();
  });

  it("refuses names the filesystem could not hold and file/folder clashes with a 4xx, storing nothing", async () => {
    const { t, runId, token } = await setup();
    expect((await put(runId, token, ["a", "b.txt"], "x")).status).toBe(201);
    const clash = await put(runId, token, ["a"], "y");
    expect(clash.status).toBe(409);
    expect((await clash.json()).error.message).toMatch(/both a file and a folder/);
    expect((await put(runId, token, ["a", "b.txt", "c"], "y")).status).toBe(409);
    expect((await put(runId, token, ["x".repeat(256)], "y")).status).toBe(400);
    expect((await put(runId, token, Array.from({ length: 600 }, () => "d"), "y")).status).toBe(400);
    expect((await t.db.select().from(artifacts).where(eq(artifacts.runId, runId))).map((a) => a.path)).toEqual(["a/b.txt"]);
  });
});
