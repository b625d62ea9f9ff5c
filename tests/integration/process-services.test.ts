import { readFileSync } from "node:fs";
import { Readable } from "node:stream";
import { eq } from "drizzle-orm";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { train } from "@/examples/tiny-lm/lm.mjs";
import { getDb } from "@/server/db/client";
import { runs } from "@/server/db/schema";
import { createVersion } from "@/server/registry/versions";
import { runOnce, type RunnerOptions } from "@/server/runner/runner";
import { getObjectStore } from "@/server/storage";
import { systemActor } from "@/server/tenancy/actor";
import { uploadArtifact } from "@/server/tracking/artifacts";
import { startRunSchema } from "@/server/tracking/external-run-input";
import { startExternalRun } from "@/server/tracking/external-runs";
import { cancelJob } from "@/server/training/jobs";
import { startAppHttp } from "../helpers/app-http";
import { apiKeyFor, callerFor, createOrgWithAdmin } from "../helpers/fixtures";
import { testRunnerOptions } from "../helpers/runner";
import { driveServiceUntil } from "../helpers/services";

/**
 * The `process` backend: Anvil runs the registered tiny language model's server as a run on the
 * local executor, health-checks it, puts it behind the gateway, replaces a replica whose run
 * ended, and stops the replicas when the service is deleted.
 */

let app: Awaited<ReturnType<typeof startAppHttp>>;
let opts: RunnerOptions;
beforeAll(async () => { app = await startAppHttp(); opts = testRunnerOptions({ appUrl: app.url }); });
afterAll(() => app?.close());

const driveUntil = (serviceId: string, ok: Parameters<typeof driveServiceUntil>[2], timeoutMs = 60_000) => driveServiceUntil(opts, serviceId, ok, timeoutMs, 150);

describe("the process backend", () => {
  it("serves a registered version itself, replaces a replica whose run ended, stops on delete", async () => {
    const t = await createOrgWithAdmin();
    const caller = await callerFor(t.adminId);
    // A run holding the tiny model's artifact, registered as tiny-lm v1.
    const db = await getDb();
    const runId = (await startExternalRun(db, { id: t.orgId }, systemActor("test"), startRunSchema.parse({ name: "tiny lm" }))).id;
    const model = train(readFileSync("examples/tiny-lm/data/poems.txt", "utf8"), { order: 4 });
    await uploadArtifact(db, getObjectStore(), { id: runId!, orgId: t.orgId }, systemActor("test"), { path: "model/model.json", contentType: "application/json", body: Readable.from([JSON.stringify(model)]) });
    await createVersion(db, t.orgId, systemActor("test"), "tiny-lm", { runId, artifactPath: "model/model.json" }, { createModel: true });

    const { id } = await caller.inference.create({ org: t.slug, service: { name: "poet", backend: "process", model: { name: "tiny-lm", version: 1 }, replicas: 1, endpoints: [], protocol: "openai" } as never });
    const ready = await driveUntil(id, (s) => s.status === "READY");
    expect(ready.s).toMatchObject({ protocol: "openai" });
    expect((await caller.inference.get({ org: t.slug, serviceId: id })).variants).toMatchObject([{ name: "primary", servedModel: "poet", model: { name: "tiny-lm", version: 1 } }]);
    const openai = new OpenAI({ baseURL: `${app.url}/api/v1/services/poet/v1`, apiKey: await apiKeyFor(t, "user"), maxRetries: 0 });
    const chat = await openai.chat.completions.create({ model: "poet", messages: [{ role: "user", content: "Shall I" }], max_tokens: 12, seed: 1 });
    expect(chat.choices[0].message.content).toHaveLength(12);
    // The replica itself takes only the gateway's key: other programs here cannot call the model.
    expect((await fetch(`${ready.replicas[0].url}/v1/models`)).status).toBe(401);
    expect((await fetch(`${ready.replicas[0].url}/health`)).status).toBe(200);
    // A version being served cannot be deleted from under its service.
    await expect((await callerFor(t.adminId)).registry.get({ org: t.slug, name: "tiny-lm" })).resolves.toMatchObject({ versions: [{ deployments: [{ name: "poet" }] }] });

    // The replica's run ends (as a crash would end it): a new run takes its place.
    const first = ready.replicas[0];
    await cancelJob(db, { id: t.orgId }, systemActor("test"), first.runId!);
    const again = await driveUntil(id, (s, replicas) => s.status === "READY" && replicas[0].runId !== first.runId && replicas[0].state === "ready");
    expect(again.replicas[0].restarts).toBe(1);

    await caller.inference.delete({ org: t.slug, serviceId: id });
    await driveUntil(id, () => true);
    await expect.poll(async () => {
      await db.update(runs).set({ nextCheckAt: new Date(0) }).where(eq(runs.id, again.replicas[0].runId!));
      await runOnce(db, opts);
      return (await db.select({ status: runs.status }).from(runs).where(eq(runs.id, again.replicas[0].runId!)))[0].status;
    }, { timeout: 30_000, interval: 200 }).toBe("CANCELLED");
  });
});
