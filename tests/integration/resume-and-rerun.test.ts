import { Readable } from "node:stream";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb } from "@/server/db/client";
import { artifacts, runs } from "@/server/db/schema";
import { getObjectStore } from "@/server/storage";
import { systemActor } from "@/server/tenancy/actor";
import { uploadArtifact } from "@/server/tracking/artifacts";
import { callerFor, createOrgWithAdmin } from "../helpers/fixtures";
import { runUntil, testRunnerOptions } from "../helpers/runner";

describe("resume from a checkpoint, re-run and clone", () => {
  it("copies the checkpoint into the new job before it may start, and tells the job where it is", async () => {
    const t = await createOrgWithAdmin();
    const caller = await callerFor(t.adminId);
    const first = await caller.training.submit({ org: t.slug, job: { name: "base", template: "iris-softmax", hyperparameters: { epochs: 30 } } as never });
    const db = await getDb();
    await uploadArtifact(db, getObjectStore(), { id: first.id, orgId: t.orgId }, systemActor("test"), { path: "checkpoints/epoch-0010.json", contentType: "application/json", body: Readable.from([Buffer.from('{"epoch":10}')]) });
    const resumed = await caller.training.submit({ org: t.slug, job: { name: "resumed", template: "iris-softmax", resumeFrom: { runId: first.id, path: "checkpoints/epoch-0010.json" } } as never });
    const [row] = await db.select().from(runs).where(eq(runs.id, resumed.id));
    expect(row.status).toBe("QUEUED");
    expect(row.nextCheckAt).not.toBeNull();
    expect((row.executorSpec as { env: Record<string, string> }).env).toEqual({ ANVIL_RESUME_FROM: "resume/epoch-0010.json" });
    const copied = await db.select().from(artifacts).where(eq(artifacts.runId, resumed.id));
    expect(copied.map((a) => [a.path, a.size])).toEqual([["resume/epoch-0010.json", 12]]);

    await expect(caller.training.submit({ org: t.slug, job: { name: "x", template: "iris-softmax", resumeFrom: { runId: first.id, path: "checkpoints/nope.json" } } as never }))
      .rejects.toMatchObject({ code: "BAD_REQUEST", message: expect.stringContaining("No artifact") });
    const other = await createOrgWithAdmin();
    await expect((await callerFor(other.adminId)).training.submit({ org: other.slug, job: { name: "x", template: "iris-softmax", resumeFrom: { runId: first.id, path: "checkpoints/epoch-0010.json" } } as never }))
      .rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("re-runs a job with its settings under a numbered name; clone hands the form those settings", async () => {
    const t = await createOrgWithAdmin();
    const caller = await callerFor(t.adminId);
    const job = await caller.training.submit({ org: t.slug, job: { name: "nightly", command: "echo $ANVIL_PARAMS", hyperparameters: { lr: 0.5 }, resources: { cpu: 2, memoryGb: 3, gpuCount: 0 } } as never });
    await runUntil(job.id, ["SUCCEEDED"], testRunnerOptions());
    const settings = await caller.training.settings({ org: t.slug, runId: job.id });
    expect(settings).toMatchObject({ name: "nightly", command: "echo $ANVIL_PARAMS", hyperparameters: { lr: "0.5" }, resources: { cpu: 2, memoryGb: 3 } });
    const again = await caller.training.rerun({ org: t.slug, runId: job.id });
    const twice = await caller.training.rerun({ org: t.slug, runId: again.id });
    const db = await getDb();
    const names = await Promise.all([again.id, twice.id].map(async (id) => (await db.select().from(runs).where(eq(runs.id, id)))[0].name));
    expect(names).toEqual(["nightly (re-run 1)", "nightly (re-run 2)"]);
    expect((await runUntil(again.id, ["SUCCEEDED"], testRunnerOptions())).executorSpec).toMatchObject({ command: "echo $ANVIL_PARAMS", params: { lr: "0.5" } });
  });
});
