import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb } from "@/server/db/client";
import { callerFor, apiKeyFor, createOrgWithAdmin } from "../helpers/fixtures";
import { findRoutes, invoke, leafPaths, listProcedures, NOT_TENANT_SCOPED, procedureInput, routeHandlers, withValueAt } from "../helpers/procedures";
import { call } from "../helpers/rest";

/**
 * Bad input never yields a 5xx, and never leaves a half-written record. Every procedure and
 * every REST route (found by enumeration) gets hostile values in every field: NUL bytes, huge
 * strings and maps, numbers past every range, timestamps past year 9999, ids shaped like UUIDs
 * that are not, odd cursors and artifact names, broken and oversized bodies.
 */

const bigRecord = Object.fromEntries(Array.from({ length: 70_000 }, (_, i) => [`k${i}`, "v"]));
const deep = JSON.parse("[".repeat(5_000) + "]".repeat(5_000)) as unknown;
const HOSTILE: unknown[] = [
  "\u0000", "a\u0000b", "x".repeat(100_000), "💥".repeat(2_000), "../../etc/passwd", "", " ",
  "00000000-0000-0000-0000-000000000000", "zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz", "------------------------------------",
  "' or 1=1 --", "<script>alert(1)</script>",
  -1, 0, 1.5, 1e308, -1e308, 2 ** 63, Number.NaN, Number.POSITIVE_INFINITY, 253_402_300_800_000,
  null, true, {}, [], Array.from({ length: 70_000 }, () => "x"), bigRecord, { "\u0000": "x" }, deep,
];

const isServerError = (e: unknown) => (e as { code?: string }).code === "INTERNAL_SERVER_ERROR";

async function rowCounts() {
  const db = await getDb();
  const rows = await db.execute(sql`select (select count(*) from runs) as runs, (select count(*) from lifecycle_transitions) as transitions,
    (select count(*) from run_params) as params, (select count(*) from artifacts) as artifacts`);
  return rows[0];
}

describe("fuzzing every procedure and route", () => {
  it("answers hostile values in every tRPC input field with 4xx, never 5xx", async () => {
    const t = await createOrgWithAdmin("Fuzz Org");
    const caller = await callerFor(t.adminId);
    const ids = new Proxy({}, { has: () => true, get: () => "11111111-1111-4111-8111-111111111111" }) as Record<string, string>;
    const failures: string[] = [];
    let calls = 0;
    for (const [name, proc] of listProcedures()) {
      const base = procedureInput(proc, t.slug, ids);
      const variants: unknown[] = [...HOSTILE.slice(0, 6), ...HOSTILE.filter((h) => typeof h !== "string")];
      for (const path of leafPaths(base).filter((p) => p.join(".") !== "org")) {
        for (const value of HOSTILE) variants.push(withValueAt(base, path, value));
      }
      for (const input of variants) {
        calls++;
        await invoke(caller, name, input).catch((e: unknown) => {
          if (isServerError(e)) failures.push(`${name}(${JSON.stringify(input)?.slice(0, 120)}): ${(e as Error).message}`);
        });
      }
    }
    expect(calls).toBeGreaterThan(500);
    expect(failures).toEqual([]);
  });

  it("answers hostile bodies, paths, queries and cursors on every REST route with 4xx, and keeps nothing half-written", async () => {
    const t = await createOrgWithAdmin("Fuzz Rest");
    const caller = await callerFor(t.adminId);
    const run = await caller.training.submit({ org: t.slug, job: { name: "fuzz-target", command: "true" } as never });
    // Ended first: a DELETE of a live job would stop it, a real (and wanted) transition.
    await caller.training.cancel({ org: t.slug, runId: run.id });
    const key = await apiKeyFor(t, "admin");
    const before = await rowCounts();
    const bodies: Array<{ raw: string; type?: string }> = [
      { raw: "not json" }, { raw: "{" }, { raw: "" }, { raw: "null" }, { raw: "[]" }, { raw: '"\\u0000"' },
      { raw: JSON.stringify({ metrics: [{ key: "a", value: 1, step: 0, timestamp: 1e20 }] }) },
      { raw: JSON.stringify({ metrics: [{ key: "a\u0000", value: 1, step: 0 }] }) },
      { raw: JSON.stringify({ metrics: [{ key: "a", value: "1e999", step: -1 }] }) },
      { raw: JSON.stringify({ params: bigRecord, tags: bigRecord, metrics: Array.from({ length: 20_000 }, (_, i) => ({ key: "k", value: i, step: i })) }) },
      { raw: JSON.stringify({ params: { "\u0000": "x" }, tags: { a: "\u0000" } }) },
      { raw: JSON.stringify({ params: { a: "x".repeat(7_000) } }) },
      { raw: "[".repeat(200_000) + "]".repeat(200_000) },
      { raw: "{}", type: "text/plain" },
    ];
    const runIds = [run.id, "zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz", "------------------------------------", "a\u0000b", "x".repeat(5_000)];
    const artifactPaths: string[][] = [["ok.txt"], ["a\u0000b"], ["x".repeat(300)], ["..", "etc"], Array.from({ length: 300 }, () => "dir"), ["a", "b"], ["a"]];
    const queries = ["", "?buckets=abc", "?buckets=1e400", "?key=%00", "?cursor=abc", "?cursor=-1", "?cursor=1e400", "?cursor=99999999999999999999", "?head=-5", "?head=99999999999"];
    const failures: string[] = [];
    for (const route of findRoutes().filter((r) => !(r.route in NOT_TENANT_SCOPED))) {
      for (const [method, handler] of await routeHandlers(route)) {
        for (const runId of runIds) {
          for (const artifactPath of route.params.includes("path") ? artifactPaths : [[]]) {
            const params = Object.fromEntries(route.params.map((p) => [p, p === "path" ? artifactPath : runId]));
            const attempts = method === "GET"
              ? queries.map((q) => ({ url: `http://127.0.0.1:3000/api/x${q}`, headers: q.startsWith("?cursor") ? { "last-event-id": q.slice(8) } : undefined }))
              : bodies.map((b) => ({ raw: b.raw, type: b.type ?? (method === "PUT" ? "application/octet-stream" : "application/json") }));
            for (const a of attempts) {
              const res = await call(handler, {
                method, params, token: key,
                ...("url" in a ? { url: a.url, headers: a.headers } : { rawBody: a.raw, contentType: a.type }),
              });
              if (res.status >= 500) failures.push(`${method} /api/${route.route} ${JSON.stringify(params).slice(0, 80)} → ${res.status} ${(await res.text()).slice(0, 200)}`);
              else await res.body?.cancel();
            }
          }
        }
      }
    }
    expect(failures).toEqual([]);
    const after = await rowCounts();
    expect(after.runs).toBe(before.runs);
    expect(after.transitions).toBe(before.transitions);
  });

  it("refuses a huge chunked body after reading no more than its cap", async () => {
    const t = await createOrgWithAdmin("Fuzz Big");
    const caller = await callerFor(t.adminId);
    const run = await caller.training.submit({ org: t.slug, job: { name: "big", command: "true" } as never });
    const key = await apiKeyFor(t, "admin");
    const route = findRoutes().find((r) => r.route === "v1/runs/[runId]/metrics")!;
    const [, post] = (await routeHandlers(route)).find(([m]) => m === "POST")!;
    let pulled = 0;
    const chunk = new Uint8Array(64 * 1024).fill(32);
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulled >= 700 * 1024 * 1024) return controller.close();
        pulled += chunk.byteLength;
        controller.enqueue(chunk);
      },
    });
    const req = new Request("http://127.0.0.1:3000/api/x", { method: "POST", body, headers: { authorization: `Bearer ${key}`, "content-type": "application/json" }, duplex: "half" } as RequestInit);
    const res = await post(req, { params: Promise.resolve({ runId: run.id }) });
    expect(res.status).toBe(413);
    expect(pulled).toBeLessThan(20 * 1024 * 1024);
  });

  it("creates eight organizations with one name at once: all succeed, each with its own address", async () => {
    const t = await createOrgWithAdmin();
    const caller = await callerFor(t.adminId);
    const orgs = await Promise.all(Array.from({ length: 8 }, () => caller.organizations.create({ name: "Same Name Inc" })));
    expect(new Set(orgs.map((o) => o.slug)).size).toBe(8);
  });
});
