import net from "node:net";
import { expect, test, type Page } from "@playwright/test";
import { FakeKube } from "../tests/fakes/fake-kube";
import { FakeRay } from "../tests/fakes/fake-ray";
import { ADMIN, SCREENS_DIR, signIn } from "./fixtures";

/**
 * Clusters as a new user meets them: register a Ray cluster (the stand-in, which really runs each
 * entrypoint), run the Iris example there from the form, watch it, resume from a checkpoint, stop
 * a job; then the same on Kubernetes with KubeRay.
 */

const JOB_URL = /\/training\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A port nothing listens on (just released). */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

async function register(page: Page, org: string, fill: () => Promise<void>) {
  await page.goto(`/${org}/clusters`);
  await fill();
  await page.getByRole("button", { name: "Register cluster" }).click();
  await page.waitForURL(new RegExp(`/${org}/clusters/[0-9a-f-]{36}$`));
  await expect(page.locator("[data-health]").first()).toHaveText("Healthy");
}

async function submitIris(page: Page, org: string, target: string, hyper: string) {
  await page.goto(`/${org}/training/new`);
  await page.locator("#target").selectOption({ label: target });
  await page.locator("#template").selectOption("iris-softmax");
  await page.locator("#hyperparameters").fill(hyper);
  await page.getByRole("button", { name: "Submit job" }).click();
  await page.waitForURL(JOB_URL);
}

test("a Ray cluster: register it, run the Iris example on it, follow it, resume from a checkpoint, stop a job", async ({ page }) => {
  const ray = await new FakeRay({ mode: "execute" }).listen();
  try {
    const org = await signIn(page, ADMIN.email, ADMIN.password);
    const name = `local-ray-${Date.now() % 100_000}`;
    await page.locator("aside").getByRole("link", { name: "Clusters" }).click();
    await page.waitForURL(`**/${org}/clusters`);
    await register(page, org, async () => {
      await page.locator("#kind").selectOption("ray");
      await page.locator("#cluster-name").fill(name);
      await page.locator("#address").fill(ray.url);
    });
    await expect(page.getByText("2.52.0")).toBeVisible();
    await expect(page.getByText("No jobs yet")).toBeVisible();
    await page.screenshot({ path: `${SCREENS_DIR}/08-cluster-registered.png`, fullPage: true });

    await submitIris(page, org, `${name} — Ray cluster`, "epochs = 30\nlr = 0.5\nhidden = 0\nseed = 42\nepoch_delay_ms = 80\ncheckpoint_every = 10");
    await expect(page.getByText(`${name} (Ray)`)).toBeVisible();
    await expect(page.getByText("Ray submission id")).toBeVisible();
    const logs = page.getByTestId("run-logs");
    await expect(logs).toContainText("epoch 1/30", { timeout: 30_000 });
    await expect(page.getByTestId("run-metrics").getByRole("figure", { name: "loss", exact: true })).toBeVisible();
    await page.screenshot({ path: `${SCREENS_DIR}/08-job-on-ray-running.png`, fullPage: true });
    await expect(page.getByTestId("run-status")).toHaveText("Succeeded", { timeout: 60_000 });
    const checkpoints = page.getByTestId("checkpoints");
    await expect(checkpoints).toContainText("checkpoints/epoch-0010.json");
    await expect(checkpoints).toContainText("checkpoints/epoch-0020.json");
    expect(ray.counts()).toMatchObject({ jobs: 1, duplicates: 0 });
    await page.screenshot({ path: `${SCREENS_DIR}/08-job-on-ray-done.png`, fullPage: true });

    // Resume from the epoch-20 checkpoint: the form comes filled in, on the same cluster.
    await checkpoints.locator("li", { hasText: "epoch-0020" }).getByRole("link", { name: "Resume from here" }).click();
    await expect(page.getByRole("heading", { name: "Resume training job" })).toBeVisible();
    await expect(page.locator("#target")).not.toHaveValue("local");
    await page.screenshot({ path: `${SCREENS_DIR}/08-resume-form.png`, fullPage: true });
    await page.getByRole("button", { name: "Submit job" }).click();
    await page.waitForURL(JOB_URL);
    await expect(page.getByTestId("run-logs")).toContainText("resumed from resume/epoch-0020.json: epoch 20 done, continuing at 21", { timeout: 30_000 });
    await expect(page.getByTestId("run-status")).toHaveText("Succeeded", { timeout: 60_000 });
    await expect(page.getByTestId("run-logs")).not.toContainText("epoch 1/30");

    // A long job, stopped from its page: Ray stops it and the run ends Cancelled.
    await submitIris(page, org, `${name} — Ray cluster`, "epochs = 400\nepoch_delay_ms = 100\ncheckpoint_every = 0");
    await expect(page.getByTestId("run-logs")).toContainText("epoch 3/400", { timeout: 30_000 });
    await page.getByRole("button", { name: "Stop" }).click();
    await page.getByRole("button", { name: "Stop job" }).click();
    await expect(page.getByTestId("run-status")).toHaveText("Cancelled", { timeout: 15_000 });

    // A cluster that does not answer says so, on the list and its page.
    await page.goto(`/${org}/clusters`);
    await page.locator("#cluster-name").fill(`${name}-gone`);
    const closed = await freePort();
    await page.locator("#address").fill(`http://127.0.0.1:${closed}`);
    await page.getByRole("button", { name: "Register cluster" }).click();
    await page.waitForURL(new RegExp(`/${org}/clusters/[0-9a-f-]{36}$`));
    await expect(page.locator("[data-health]").first()).toHaveText("Not answering");
    await expect(page.getByRole("alert").filter({ hasText: "Last error" })).toContainText(`cannot reach Ray at http://127.0.0.1:${closed} (ECONNREFUSED)`);
    await page.goto(`/${org}/clusters`);
    await page.screenshot({ path: `${SCREENS_DIR}/08-clusters-page.png`, fullPage: true });
    // Moved: its connection is changed in place, and it answers again.
    await page.getByRole("link", { name: `${name}-gone` }).click();
    await page.getByTestId("edit-connection").locator("summary").click();
    await page.locator("#address").fill(ray.url);
    await page.getByRole("button", { name: "Save connection" }).click();
    await expect(page.locator("[data-health]").first()).toHaveText("Healthy");
    await page.goto(`/${org}/clusters`);
    await expect(page.getByRole("link", { name, exact: true })).toBeVisible();
    await page.getByRole("link", { name, exact: true }).click();
    await expect(page.getByRole("cell", { name: /iris-softmax/ })).toHaveCount(3);
    await page.screenshot({ path: `${SCREENS_DIR}/08-cluster-with-jobs.png`, fullPage: true });
  } finally {
    await ray.close();
  }
});

test("a KubeRay target: register with an API server URL and token, run the Iris example as a RayJob", async ({ page }) => {
  const kube = await new FakeKube({ token: "dev-token", ray: { mode: "execute" } }).listen();
  try {
    const org = await signIn(page, ADMIN.email, ADMIN.password);
    const name = `k8s-${Date.now() % 100_000}`;
    await register(page, org, async () => {
      await page.locator("#kind").selectOption("kuberay");
      await page.locator("#cluster-name").fill(name);
      await page.locator("#credentialSource").selectOption("token");
      await page.locator("#namespace").fill("ml");
      await page.locator("#server").fill(kube.url);
      await page.locator("#kube-token").fill("dev-token");
    });
    await expect(page.getByText("KubeRay (a RayJob per job)", { exact: false })).toBeVisible();
    await submitIris(page, org, `${name} — KubeRay on Kubernetes`, "epochs = 12\nepoch_delay_ms = 50\ncheckpoint_every = 0");
    await expect(page.getByText(`${name} (KubeRay)`)).toBeVisible();
    await expect(page.getByTestId("run-logs")).toContainText("epoch 12/12", { timeout: 60_000 });
    await expect(page.getByTestId("run-status")).toHaveText("Succeeded", { timeout: 60_000 });
    expect([...kube.rayJobs.values()].map((j) => j.status?.jobDeploymentStatus)).toEqual(["Complete"]);
    await page.screenshot({ path: `${SCREENS_DIR}/08-job-on-kuberay.png`, fullPage: true });
  } finally {
    await kube.close();
  }
});
