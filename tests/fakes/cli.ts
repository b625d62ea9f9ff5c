/**
 * Starts a fake by hand, to try the cluster features without Ray or Kubernetes (docs/clusters.md):
 *   npx tsx tests/fakes/cli.ts ray [--port 8265] [--token T] [--simulate]
 *   npx tsx tests/fakes/cli.ts kuberay [--port 6443] [--token T] [--simulate]
 * Jobs really run (as processes, in this directory) unless --simulate.
 */
import { FakeKube } from "./fake-kube";
import { FakeRay } from "./fake-ray";

const [kind, ...rest] = process.argv.slice(2);
const flag = (name: string) => { const i = rest.indexOf(`--${name}`); return i >= 0 ? rest[i + 1] : undefined; };
const mode = rest.includes("--simulate") ? "simulate" as const : "execute" as const;
const token = flag("token");

if (kind === "ray") {
  const ray = await new FakeRay({ mode, token }).listen(Number(flag("port") ?? 8265));
  console.log(`fake Ray dashboard (Jobs API, ${mode}) at ${ray.url}${token ? " — token required" : ""}`);
} else if (kind === "kuberay") {
  const kube = await new FakeKube({ token, ray: { mode } }).listen(Number(flag("port") ?? 6443));
  console.log(`fake Kubernetes API server with KubeRay (${mode}) at ${kube.url}${token ? " — bearer token required" : ""}`);
} else {
  console.error("usage: npx tsx tests/fakes/cli.ts ray|kuberay [--port N] [--token T] [--simulate]");
  process.exit(2);
}
