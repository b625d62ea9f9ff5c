import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import * as runsRoute from "@/app/api/v1/runs/route";
import * as runRoute from "@/app/api/v1/runs/[runId]/route";
import * as heartbeatRoute from "@/app/api/v1/runs/[runId]/heartbeat/route";
import { runs } from "@/server/db/schema";
import { reconcileExternalRun } from "@/server/runner/external-run-step";
import { runOnce } from "@/server/runner/runner";
import { apiKeyFor, createOrgWithAdmin } from "../helpers/fixtures";
import { call, type RouteHandler } from "../helpers/rest";
import { testRunnerOptions } from "../helpers/runner";

/** Runs started from the user's own code: created RUNNING, finished by the client, crashed when silent. */
describe("runs logged from clients", () => {
  it("starts in a project and experiment by name, finishes as the client says, and refuses bad input", async () => {
    const t = await createOrgWithAdmin();
    const key = await apiKeyFor(t);
    const start = (body: unknown) => call(runsRoute.POST as RouteHandler, { method: "POST", token: key, body, params: {} });
    const res = await start({ project: "Vision Models", experiment: "resnet", name: "r1", params: { lr: 0.1 } });
    expect(res.status).toBe(201);
    const run = await res.json();
    expect(run).toMatchObject({ name: "r1", status: "RUNNING", project: { slug: "vision-models" }, experiment: { name: "resnet" } });
    expect((await (await start({ project: "Vision Models", experiment: "resnet" })).json()).experiment.id).toBe(run.experiment.id);
    expect((await start({ project: "x", colour: "red" })).status).toBe(400);
    expect((await start({ heartbeatTimeout: -1 })).status).toBe(400);
    const finish = (body: unknown) => call(runRoute.PATCH as RouteHandler, { method: "PATCH", token: key, body, params: { runId: run.id } });
    expect((await finish({ status: "DONE" })).status).toBe(400);
    expect(await (await finish({ status: "FINISHED" })).json()).toEqual({ id: run.id, status: "SUCCEEDED" });
    expect((await finish({ status: "FINISHED" })).status).toBe(200); // the client retrying is fine
    expect((await finish({ status: "FAILED" })).status).toBe(409);
  });

  it("marks a silent run CRASHED after its timeout, and a heartbeat brings it back", async () => {
    const t = await createOrgWithAdmin();
    const key = await apiKeyFor(t);
    const run = await (await call(runsRoute.POST as RouteHandler, { method: "POST", token: key, body: { heartbeatTimeout: 60 }, params: {} })).json();
    const opts = testRunnerOptions();
    const status = async () => (await t.db.select({ s: runs.status }).from(runs).where(eq(runs.id, run.id)))[0].s;
    // Not due yet: nothing happens.
    await runOnce(t.db, opts);
    expect(await status()).toBe("RUNNING");
    // Silent for longer than the timeout, and due.
    await t.db.update(runs).set({ heartbeatAt: sql`now() - interval '61 seconds'`, nextCheckAt: sql`now()` }).where(eq(runs.id, run.id));
    await runOnce(t.db, opts);
    expect(await status()).toBe("CRASHED");
    const beat = await call(heartbeatRoute.POST as RouteHandler, { method: "POST", token: key, params: { runId: run.id } });
    expect(await beat.json()).toEqual({ status: "RUNNING", stopRequested: false });
    expect(await status()).toBe("RUNNING");
  });

  it("does not crash a run whose heartbeat lands while the runner decides", async () => {
    const t = await createOrgWithAdmin();
    const key = await apiKeyFor(t);
    const run = await (await call(runsRoute.POST as RouteHandler, { method: "POST", token: key, body: { heartbeatTimeout: 60 }, params: {} })).json();
    const opts = testRunnerOptions();
    // The runner read the row while the client was silent and holds its lease…
    await t.db.update(runs).set({ heartbeatAt: sql`now() - interval '61 seconds'`, leaseOwner: opts.owner, leaseExpiresAt: sql`now() + interval '30 seconds'` }).where(eq(runs.id, run.id));
    const [stale] = await t.db.select().from(runs).where(eq(runs.id, run.id));
    // …then the heartbeat arrives before it writes.
    expect((await call(heartbeatRoute.POST as RouteHandler, { method: "POST", token: key, params: { runId: run.id } })).status).toBe(200);
    await reconcileExternalRun(t.db, opts, stale, new AbortController().signal);
    expect((await t.db.select({ s: runs.status }).from(runs).where(eq(runs.id, run.id)))[0].s).toBe("RUNNING");
  });
});
