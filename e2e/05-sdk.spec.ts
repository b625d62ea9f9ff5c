import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { ADMIN, ORG_SLUG, SCREENS_DIR, signIn } from "./fixtures";
import { relay } from "./relay";

/**
 * The Python SDK against the running app, as a user runs it: 100,000 steps logged while the
 * server becomes unreachable for a few seconds and comes back. Training never waits, no point is
 * lost, and the chart keeps a one-step spike that a sampled chart would miss.
 */

test("the Python SDK logs 100k steps through a server outage without losing a point", async ({ page, baseURL }) => {
  test.setTimeout(120_000);
  const appPort = Number(new URL(baseURL!).port);
  const proxy = relay(appPort);
  const port = await proxy.open(0);
  const home = fs.mkdtempSync(path.join(os.tmpdir(), "anvil-sdk-home-"));
  const name = `sdk-${Date.now()}`;
  const child = spawn("python3", [path.resolve("e2e/sdk/train_100k.py"), name], {
    env: { ...process.env, PYTHONPATH: path.resolve("sdk/python"), HOME: home, ANVIL_URL: `http://127.0.0.1:${port}`, ANVIL_API_KEY: ADMIN.apiKey },
  });
  const lines: string[] = [];
  let stderr = "";
  child.stderr.on("data", (d) => { stderr += String(d); });
  const started = new Promise<string>((resolve) => child.stdout.on("data", (d) => {
    lines.push(...String(d).split("\n").filter(Boolean));
    const first = lines.map((l) => JSON.parse(l) as { started?: string }).find((l) => l.started);
    if (first?.started) resolve(first.started);
  }));
  const exited = new Promise<number>((resolve) => child.on("exit", (code) => resolve(code ?? -1)));
  const runId = await started;

  // Two seconds in, the server goes away for four seconds, then comes back on the same address.
  await new Promise((r) => setTimeout(r, 2_000));
  await proxy.close();
  await new Promise((r) => setTimeout(r, 4_000));
  await proxy.open(port);

  expect(await exited, stderr).toBe(0);
  await proxy.close();
  const result = lines.map((l) => JSON.parse(l) as { run?: string; slowest_log_ms?: number }).find((l) => l.run)!;
  expect(result.run).toBe(runId);
  expect(result.slowest_log_ms).toBeLessThan(100); // logging never waited for the network

  const api = (p: string) => fetch(`${baseURL}${p}`, { headers: { authorization: `Bearer ${ADMIN.apiKey}` } }).then((r) => r.json());
  const run = await api(`/api/v1/runs/${runId}`);
  expect(run.status).toBe("SUCCEEDED");
  expect(run.params).toEqual(expect.arrayContaining([{ key: "lr", value: "0.01" }]));
  expect(run.latestMetrics).toEqual([expect.objectContaining({ key: "loss", count: 100_000, step: 99_999 })]);
  const { series } = await api(`/api/v1/runs/${runId}/metrics?key=loss&buckets=200`);
  expect(series[0].points.length).toBeLessThanOrEqual(200);
  expect(series[0].points.reduce((n: number, p: { n: number }) => n + p.n, 0)).toBe(100_000);
  expect(Math.max(...series[0].points.map((p: { max: number }) => p.max))).toBeGreaterThan(50);

  await signIn(page, ADMIN.email, ADMIN.password);
  await page.goto(`/${ORG_SLUG}/training/${runId}`);
  const chart = page.getByTestId("run-metrics").getByRole("figure", { name: "loss", exact: true });
  await expect(chart).toBeVisible();
  await page.screenshot({ path: `${SCREENS_DIR}/sdk-100k-run.png`, fullPage: true });
});
