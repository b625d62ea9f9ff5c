import { afterEach, describe, expect, it } from "vitest";
import { createPhaseClient } from "@/server/executors/phase-service/phase-client";
import { RemoteCallError } from "@/server/executors/types";
import { FakePhaseService } from "../fakes/phase-service";

/** The external phase contract against a real HTTP service written for the test. */

const services: FakePhaseService[] = [];
afterEach(async () => { for (const s of services.splice(0)) await s.close(); });
const start = async (faults: ConstructorParameters<typeof FakePhaseService>[0] = {}) => {
  const s = await new FakePhaseService(faults, (kind, body) => ({ kind, echoed: body, score: 0.91 })).listen();
  services.push(s);
  return s;
};
const signal = () => AbortSignal.timeout(10_000);

describe("external phase services", () => {
  it("starts a phase, polls it while it runs, and reads its result", async () => {
    const svc = await start({ runningPolls: 2, token: "s3cret" });
    const client = createPhaseClient({ baseUrl: `${svc.url}/`, token: "s3cret", backoffMs: 10 });
    const id = await client.start("evaluate", { modelPath: "m.json" }, "task-1/iteration-1/evaluate", signal());
    expect(await client.status("evaluate", id, signal())).toMatchObject({ state: "running" });
    expect(await client.status("evaluate", id, signal())).toMatchObject({ state: "running" });
    expect(await client.status("evaluate", id, signal())).toEqual({ state: "completed", result: { kind: "evaluate", echoed: { modelPath: "m.json" }, score: 0.91 } });
  });

  it("retries a service that answers 503 while it starts, and a retried start is the same job", async () => {
    const svc = await start({ failFirst: 2 });
    const client = createPhaseClient({ baseUrl: svc.url, backoffMs: 10 });
    const a = await client.start("optimize", { datasetId: "d" }, "k1", signal());
    const b = await client.start("optimize", { datasetId: "d" }, "k1", signal());
    expect(a).toBe(b);
    expect(svc.starts).toHaveLength(1);
    expect(svc.starts[0].key).toBe("k1");
  });

  it("says why when the service fails the phase, refuses the token, answers nonsense, or hangs", async () => {
    const failing = await start({ runningPolls: 0, fail: true });
    const client = createPhaseClient({ baseUrl: failing.url, backoffMs: 10 });
    const id = await client.start("train", {}, "k", signal());
    expect(await client.status("train", id, signal())).toEqual({ state: "failed", error: "out of memory" });

    const locked = await start({ token: "right" });
    await expect(createPhaseClient({ baseUrl: locked.url, token: "wrong" }).start("train", {}, "k", signal())).rejects.toMatchObject({ kind: "auth" });
    await expect(createPhaseClient({ baseUrl: locked.url, token: "right" }).status("train", "nope", signal())).rejects.toMatchObject({ kind: "rejected" });

    const odd = await start({ status: "exploded" });
    const oddClient = createPhaseClient({ baseUrl: odd.url });
    const oid = await oddClient.start("train", {}, "k", signal());
    await expect(oddClient.status("train", oid, signal())).rejects.toThrow(/unknown status "exploded"/);

    const down = await start({ failFirst: 100 });
    await expect(createPhaseClient({ baseUrl: down.url, retries: 2, backoffMs: 5 }).start("train", {}, "k", signal())).rejects.toThrow(/answered 503 3 times/);

    const slow = await start({ hangMs: 2000 });
    const err = await createPhaseClient({ baseUrl: slow.url, timeoutMs: 100, retries: 1, backoffMs: 5 }).start("train", {}, "k", signal()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RemoteCallError);
    expect(err).toMatchObject({ kind: "timeout" });

    await expect(createPhaseClient({ baseUrl: "http://127.0.0.1:9", retries: 0 }).start("train", {}, "k", signal())).rejects.toMatchObject({ kind: "unreachable" });
  });
});
