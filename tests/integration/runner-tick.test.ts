import { describe, expect, it, vi } from "vitest";
import { callerFor, createOrgWithAdmin } from "../helpers/fixtures";

// The secret must be in the environment before server/env.ts is first imported (hoisted above imports).
vi.hoisted(() => {
  process.env.ANVIL_RUNNER_SECRET = "tick-secret-0123456789";
  process.env.ANVIL_INSTALL_ID = "tick";
});

describe("POST /api/runner/tick", () => {
  it("runs one runner pass for the right secret only", async () => {
    const { POST } = await import("@/app/api/runner/tick/route");
    const t = await createOrgWithAdmin();
    const { id } = await (await callerFor(t.adminId)).training.submit({ org: t.slug, job: { name: "ticked", command: "true" } as never });
    const tick = (auth?: string) => POST(new Request("http://127.0.0.1/api/runner/tick", { method: "POST", headers: auth ? { authorization: auth } : {} }));
    expect((await tick()).status).toBe(401);
    expect((await tick("Bearer wrong-secret-0123456789")).status).toBe(401);
    const ok = await tick("Bearer tick-secret-0123456789");
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ claimed: 1, errors: 0 });
    const run = await (await callerFor(t.adminId)).runs.get({ org: t.slug, runId: id });
    expect(run.remoteId).toBe(`tick-${id}-1`);
    expect(["STARTING", "RUNNING", "SUCCEEDED"]).toContain(run.status);
  });
});
