import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { init } from "../sdk/ts/src/index";
import { ADMIN, ORG_SLUG, signIn } from "./fixtures";
import { relay } from "./relay";

/**
 * The TypeScript SDK against the running app: a run logged through a server outage loses no
 * point and never makes `log` wait; params, tags and a streamed artifact arrive; finish ends it.
 */
test("the TypeScript SDK logs through a server outage, with params, tags and an artifact", async ({ page, baseURL }) => {
  test.setTimeout(90_000);
  const proxy = relay(Number(new URL(baseURL!).port));
  const port = await proxy.open(0);
  const spoolDir = fs.mkdtempSync(path.join(os.tmpdir(), "anvil-ts-sdk-"));
  const run = await init({ url: `http://127.0.0.1:${port}`, apiKey: ADMIN.apiKey, project: "TS SDK", experiment: "outage", name: `ts-${Date.now()}`, params: { lr: 0.003, layers: 4 }, spoolDir, flushEveryMs: 200 });

  const STEPS = 30_000;
  let slowest = 0;
  for (let step = 0; step < STEPS; step++) {
    const t = performance.now();
    run.log({ loss: step === 12_345 ? 100 : 1 / (step + 1), "val/acc": step / STEPS }, step);
    slowest = Math.max(slowest, performance.now() - t);
    if (step % 1_000 === 999) await new Promise((r) => setTimeout(r, 50)); // the "training" between logs
    if (step === 10_000) await proxy.close(); // the server goes away for a while…
    if (step === 20_000) await proxy.open(port); // …and comes back on the same address
  }
  expect(slowest).toBeLessThan(50);
  // A batch the server refuses for good is set aside with a warning; logging goes on.
  await run.flush();
  run.log({ "bad#key": 1 }, 0);
  await run.flush();
  expect(run.errors).toEqual([expect.stringMatching(/key may use/)]);
  expect(fs.readFileSync(path.join(spoolDir, `${run.id}.rejected.jsonl`), "utf8")).toContain("bad#key");
  await run.setTags({ team: "ts" });
  const file = path.join(spoolDir, "weights.bin");
  fs.writeFileSync(file, Buffer.alloc(3 * 1024 * 1024, 7));
  expect(await run.logArtifact(file, "model/weights.bin")).toMatchObject({ path: "model/weights.bin", size: 3 * 1024 * 1024 });
  await run.finish();
  await proxy.close();
  expect(run.errors).toHaveLength(1);

  const api = (p: string) => fetch(`${baseURL}${p}`, { headers: { authorization: `Bearer ${ADMIN.apiKey}` } }).then((r) => r.json());
  const saved = await api(`/api/v1/runs/${run.id}`);
  expect(saved.status).toBe("SUCCEEDED");
  expect(saved.params).toEqual(expect.arrayContaining([{ key: "lr", value: "0.003" }, { key: "layers", value: "4" }]));
  expect(saved.tags).toEqual(expect.arrayContaining([expect.objectContaining({ key: "team", value: "ts" })]));
  expect(saved.latestMetrics).toEqual(expect.arrayContaining([expect.objectContaining({ key: "loss", count: STEPS, step: STEPS - 1 })]));
  const { series } = await api(`/api/v1/runs/${run.id}/metrics?key=loss&buckets=100`);
  expect(Math.max(...series[0].points.map((p: { max: number }) => p.max))).toBe(100);
  // Everything spooled during the outage was sent: nothing is left on disk.
  expect(fs.readdirSync(spoolDir).filter((f) => (f.endsWith(".jsonl") && !f.endsWith(".rejected.jsonl")) || f.endsWith(".sending"))).toEqual([]);

  await signIn(page, ADMIN.email, ADMIN.password);
  await page.goto(`/${ORG_SLUG}/training/${run.id}`);
  await expect(page.getByTestId("artifact-file")).toContainText("weights.bin");
});
