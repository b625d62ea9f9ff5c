import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { Readable } from "node:stream";
import { eq } from "drizzle-orm";
import OpenAI from "openai";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { train } from "@/examples/tiny-lm/lm.mjs";
import { getDb } from "@/server/db/client";
import { inferenceServices, runs, serviceReplicas } from "@/server/db/schema";
import { createVersion } from "@/server/registry/versions";
import { getObjectStore } from "@/server/storage";
import { systemActor } from "@/server/tenancy/actor";
import { uploadArtifact } from "@/server/tracking/artifacts";
import { startRunSchema } from "@/server/tracking/external-run-input";
import { startExternalRun } from "@/server/tracking/external-runs";
import { startAppHttp } from "../helpers/app-http";
import { apiKeyFor, callerFor, createOrgWithAdmin } from "../helpers/fixtures";
import { waitFor } from "../helpers/wait";

/**
 * `kill -9` the runner while Anvil serves a model itself: the next runner adopts the replica's
 * run (the same run, the same process), the service stays READY, and the gateway keeps answering.
 */

let app: Awaited<ReturnType<typeof startAppHttp>>;
beforeAll(async () => { app = await startAppHttp(); });
afterAll(() => app?.close());
const children: ChildProcess[] = [];
afterEach(() => { for (const c of children.splice(0)) c.kill("SIGKILL"); });

function startWorker() {
  const child = spawn(process.execPath, ["--import", "tsx", "tests/reliability/fault-worker.ts"], {
    env: { ...process.env, ANVIL_RUNNER_POLL_MS: "100", ANVIL_LEASE_SECONDS: "2", ANVIL_INSTALL_ID: "rel-svc", ANVIL_URL: app.url, ANVIL_TEST_FAULT: "null" },
    stdio: ["ignore", "ignore", "pipe"],
  });
  child.stderr!.on("data", (d) => process.stderr.write(`[worker ${child.pid}] ${d}`));
  children.push(child);
  return child;
}

describe("a served model and runner crashes", () => {
  it("kill -9 the runner: the replica's run is adopted, not restarted, and the gateway keeps answering", async () => {
    const t = await createOrgWithAdmin();
    const db = await getDb();
    const runId = (await startExternalRun(db, { id: t.orgId }, systemActor("test"), startRunSchema.parse({ name: "tiny lm" }))).id;
    const model = train(readFileSync("examples/tiny-lm/data/poems.txt", "utf8"), { order: 3 });
    await uploadArtifact(db, getObjectStore(), { id: runId, orgId: t.orgId }, systemActor("test"), { path: "model/model.json", contentType: "application/json", body: Readable.from([JSON.stringify(model)]) });
    await createVersion(db, t.orgId, systemActor("test"), "tiny-lm", { runId, artifactPath: "model/model.json" }, { createModel: true });
    const { id } = await (await callerFor(t.adminId)).inference.create({ org: t.slug, service: { name: "poet", backend: "process", model: { name: "tiny-lm", version: 1 } } as never });

    const service = async () => (await db.select().from(inferenceServices).where(eq(inferenceServices.id, id)))[0];
    const replica = async () => (await db.select().from(serviceReplicas).where(eq(serviceReplicas.serviceId, id)))[0];
    let worker = startWorker();
    await waitFor(async () => (await service()).status === "READY", 60_000, "the service ready", 200);
    const before = await replica();
    const openai = new OpenAI({ baseURL: `${app.url}/api/v1/services/poet/v1`, apiKey: await apiKeyFor(t, "user"), maxRetries: 0 });
    expect((await openai.completions.create({ model: "poet", prompt: "When", max_tokens: 5 })).choices[0].text).toHaveLength(5);

    worker.kill("SIGKILL");
    await new Promise((r) => worker.once("exit", r));
    // With no runner alive the replica still serves: it is a process of its own.
    expect((await openai.completions.create({ model: "poet", prompt: "When", max_tokens: 5 })).choices[0].text).toHaveLength(5);
    worker = startWorker();
    // The new runner checks the service again and adopts the run: same run, no restart.
    const checkedBefore = (await replica()).checkedAt!.getTime();
    await waitFor(async () => ((await replica()).checkedAt?.getTime() ?? 0) > checkedBefore + 2000, 30_000, "a new health check", 200);
    const after = await replica();
    expect(after).toMatchObject({ runId: before.runId, restarts: 0, state: "ready" });
    expect((await service()).status).toBe("READY");
    const [run] = await db.select().from(runs).where(eq(runs.id, before.runId!));
    expect(run).toMatchObject({ status: "RUNNING", attempt: 1 });
    expect((await openai.completions.create({ model: "poet", prompt: "When", max_tokens: 5 })).choices[0].text).toHaveLength(5);
    await (await callerFor(t.adminId)).inference.delete({ org: t.slug, serviceId: id });
    await waitFor(async () => (await db.select().from(runs).where(eq(runs.id, before.runId!)))[0].status === "CANCELLED", 30_000, "the replica stopped", 200);
  });
});
