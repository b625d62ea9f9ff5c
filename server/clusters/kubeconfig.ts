import fs from "node:fs";
import { parse } from "yaml";
import { z } from "zod";
import { ValidationError } from "@/server/errors";
import type { KubeConnection } from "@/server/executors/kuberay/kube-client";
import { notLinkLocal } from "./cluster-input";

const str = z.string().optional();
/** The parts of a kubeconfig Anvil reads; anything else in it is ignored. */
const kubeconfigSchema = z.object({
  "current-context": str,
  contexts: z.array(z.object({ name: z.string(), context: z.object({ cluster: str, user: str, namespace: str }).optional() })).optional(),
  clusters: z.array(z.object({ name: z.string(), cluster: z.object({ server: str, "certificate-authority-data": str, "insecure-skip-tls-verify": z.boolean().optional() }).optional() })).optional(),
  users: z.array(z.object({ name: z.string(), user: z.object({ token: str, "client-certificate-data": str, "client-key-data": str, exec: z.unknown().optional() }).nullable().optional() })).optional(),
});

const b64 = (v: string | undefined) => (v ? Buffer.from(v, "base64").toString("utf8") : undefined);

/**
 * The current context of a kubeconfig as a connection. Only what can be stored: inline data
 * (`*-data`) and tokens; `exec` plugins and file paths refer to the uploader's machine.
 */
export function connectionFromKubeconfig(text: string): Omit<KubeConnection, "namespace"> & { namespace?: string } {
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (err) {
    throw new ValidationError(`The kubeconfig is not valid YAML: ${(err as Error).message.split("\n")[0]}`);
  }
  if (!raw || typeof raw !== "object") throw new ValidationError("The kubeconfig is empty");
  const parsed = kubeconfigSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ValidationError(`The kubeconfig's ${issue.path.join(".")} is not what kubectl writes (${issue.message})`);
  }
  const config = parsed.data;
  const ctxName = config["current-context"] ?? config.contexts?.[0]?.name;
  const ctx = config.contexts?.find((c) => c.name === ctxName)?.context;
  if (!ctx) throw new ValidationError(`The kubeconfig has no context "${ctxName ?? ""}"`);
  const cluster = config.clusters?.find((c) => c.name === ctx.cluster)?.cluster;
  if (!cluster?.server) throw new ValidationError(`The kubeconfig's cluster "${ctx.cluster ?? ""}" has no server`);
  if (!/^https?:\/\/[^\s/]+/.test(cluster.server) || !notLinkLocal(cluster.server)) throw new ValidationError(`The kubeconfig's server "${cluster.server.slice(0, 100)}" is not an http(s) address of an API server`);
  const user = config.users?.find((u) => u.name === ctx.user)?.user ?? {};
  if (user.exec && !user.token) throw new ValidationError("The kubeconfig's user signs in with an exec plugin, which runs on your machine only; use a service-account token");
  return {
    server: cluster.server,
    namespace: ctx.namespace,
    ca: b64(cluster["certificate-authority-data"]),
    insecureSkipTlsVerify: cluster["insecure-skip-tls-verify"] === true,
    token: user.token,
    clientCert: b64(user["client-certificate-data"]),
    clientKey: b64(user["client-key-data"]),
  };
}

const SA = "/var/run/secrets/kubernetes.io/serviceaccount";

/** In-cluster credentials, read when used: the service account token is rotated by the kubelet. */
export function inClusterConnection(): Omit<KubeConnection, "namespace"> {
  const host = process.env.KUBERNETES_SERVICE_HOST;
  const port = process.env.KUBERNETES_SERVICE_PORT ?? "443";
  if (!host) throw new ValidationError("Anvil is not running inside Kubernetes (KUBERNETES_SERVICE_HOST is not set)");
  const read = (f: string) => { try { return fs.readFileSync(`${SA}/${f}`, "utf8"); } catch { return undefined; } };
  return { server: `https://${host.includes(":") ? `[${host}]` : host}:${port}`, token: read("token")?.trim(), ca: read("ca.crt") };
}
