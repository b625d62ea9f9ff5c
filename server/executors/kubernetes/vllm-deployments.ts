import { createHash } from "node:crypto";
import { kubeError, kubeRequest, type KubeConnection } from "../kuberay/kube-client";

/**
 * vLLM on Kubernetes, one variant of a service at a time: a Deployment running vLLM's OpenAI
 * server, a Service in front of it, and a Secret holding the API key the replicas require.
 * Applied with server-side apply (field manager "anvil"), so applying again is harmless and a
 * change of image, model or replica count is one call. Replicas are found the way vLLM's
 * production-stack router finds them: pods by label, ready (every container ready) and not
 * being deleted, at their pod IP and container port. Talks to the API server only.
 */

export interface VariantDeployment {
  serviceId: string;
  serviceName: string;
  variant: string;
  installId: string;
  image: string;
  /** What vLLM loads (--model) and the name it answers to (--served-model-name). */
  model: string;
  servedModel: string;
  replicas: number;
  gpus: number;
  args: string[];
  apiKey: string;
}

export interface KubeReplica { pod: string; url: string; ready: boolean; phase: string; message: string | null }

const PORT = 8000;
const MANAGER = "anvil";
const RESOURCES = "deployments, services, secrets and pods";
export const SERVICE_LABEL = "anvil.dev/service-id";
export const VARIANT_LABEL = "anvil.dev/variant";

/**
 * Object names: DNS-1035 labels of at most 63 characters. Several organizations may share a
 * namespace, so the service's id is part of the name.
 */
export function objectName(serviceName: string, variant: string, serviceId: string): string {
  const name = `${serviceName.slice(0, 30)}-${variant.slice(0, 24)}-${serviceId.replace(/-/g, "").slice(0, 6)}`.replace(/-+/g, "-");
  // Service names are DNS-1035 labels: they start with a letter.
  return /^[a-z]/.test(name) ? name : `s${name}`;
}

export function deploymentManifests(d: VariantDeployment, namespace: string) {
  const name = objectName(d.serviceName, d.variant, d.serviceId);
  const selector = { [SERVICE_LABEL]: d.serviceId, [VARIANT_LABEL]: d.variant };
  const labels = { ...selector, "app.kubernetes.io/name": "vllm", "app.kubernetes.io/instance": name, "app.kubernetes.io/managed-by": "anvil", "anvil.dev/install": d.installId };
  const metadata = { name, namespace, labels };
  const probe = (periodSeconds: number, failureThreshold: number) => ({ httpGet: { path: "/health", port: PORT }, periodSeconds, failureThreshold });
  const secret = { apiVersion: "v1", kind: "Secret", metadata, type: "Opaque", stringData: { "api-key": d.apiKey } };
  const deployment = {
    apiVersion: "apps/v1", kind: "Deployment", metadata,
    spec: {
      replicas: d.replicas,
      selector: { matchLabels: selector },
      template: {
        metadata: { labels },
        spec: {
          containers: [{
            name: "vllm", image: d.image,
            args: ["--model", d.model, "--served-model-name", d.servedModel, "--port", String(PORT), ...d.args],
            env: [{ name: "VLLM_API_KEY", valueFrom: { secretKeyRef: { name, key: "api-key" } } }],
            ports: [{ name: "http", containerPort: PORT, protocol: "TCP" }],
            resources: d.gpus > 0 ? { limits: { "nvidia.com/gpu": String(d.gpus) } } : {},
            // Loading weights takes minutes: the startup probe waits up to 10 minutes before liveness applies.
            startupProbe: probe(10, 60), readinessProbe: probe(5, 3), livenessProbe: probe(10, 3),
          }],
        },
      },
    },
  };
  const service = { apiVersion: "v1", kind: "Service", metadata, spec: { selector, ports: [{ name: "http", port: PORT, targetPort: "http", protocol: "TCP" }] } };
  return { name, secret, deployment, service };
}

/** A fingerprint of what would be applied: unchanged means no call is needed. */
export const manifestHash = (d: VariantDeployment) => createHash("sha256").update(JSON.stringify(d)).digest("hex");

export function createVllmDeployments(conn: KubeConnection) {
  const ns = encodeURIComponent(conn.namespace);
  const paths = {
    secret: (n: string) => `/api/v1/namespaces/${ns}/secrets/${n}`,
    deployment: (n: string) => `/apis/apps/v1/namespaces/${ns}/deployments/${n}`,
    service: (n: string) => `/api/v1/namespaces/${ns}/services/${n}`,
  };
  const apply = async (path: string, body: unknown, what: string, signal: AbortSignal) => {
    const reply = await kubeRequest(conn, "PATCH", `${path}?fieldManager=${MANAGER}&force=true`, signal, body, "application/apply-patch+yaml");
    if (reply.status >= 300) throw kubeError(reply, what, RESOURCES);
  };
  const remove = async (path: string, what: string, signal: AbortSignal) => {
    const reply = await kubeRequest(conn, "DELETE", path, signal);
    if (reply.status >= 300 && reply.status !== 404) throw kubeError(reply, what, RESOURCES);
  };

  return {
    /** The Secret first (the pods read it), then the Deployment and the Service. */
    async apply(d: VariantDeployment, signal: AbortSignal): Promise<void> {
      const m = deploymentManifests(d, conn.namespace);
      await apply(paths.secret(m.name), m.secret, `applying Secret ${m.name}`, signal);
      await apply(paths.deployment(m.name), m.deployment, `applying Deployment ${m.name}`, signal);
      await apply(paths.service(m.name), m.service, `applying Service ${m.name}`, signal);
    },

    /** The variants that have a Deployment for this service (to remove those no longer wanted). */
    async variants(serviceId: string, signal: AbortSignal): Promise<Array<{ variant: string; name: string }>> {
      const reply = await kubeRequest(conn, "GET", `/apis/apps/v1/namespaces/${ns}/deployments?labelSelector=${encodeURIComponent(`${SERVICE_LABEL}=${serviceId}`)}`, signal);
      if (reply.status !== 200) throw kubeError(reply, "listing Deployments", RESOURCES);
      const items = (reply.body as { items?: Array<{ metadata: { name: string; labels?: Record<string, string> } }> }).items ?? [];
      return items.map((i) => ({ variant: i.metadata.labels?.[VARIANT_LABEL] ?? "", name: i.metadata.name }));
    },

    async remove(name: string, signal: AbortSignal): Promise<void> {
      await remove(paths.service(name), `deleting Service ${name}`, signal);
      await remove(`${paths.deployment(name)}?propagationPolicy=Foreground`, `deleting Deployment ${name}`, signal);
      await remove(paths.secret(name), `deleting Secret ${name}`, signal);
    },

    /** The service's pods by variant: where each answers, and whether Kubernetes counts it ready. */
    async replicas(serviceId: string, signal: AbortSignal): Promise<Map<string, KubeReplica[]>> {
      const reply = await kubeRequest(conn, "GET", `/api/v1/namespaces/${ns}/pods?labelSelector=${encodeURIComponent(`${SERVICE_LABEL}=${serviceId}`)}`, signal);
      if (reply.status !== 200) throw kubeError(reply, "listing pods", RESOURCES);
      const out = new Map<string, KubeReplica[]>();
      for (const pod of (reply.body as { items?: Pod[] }).items ?? []) {
        if (pod.metadata.deletionTimestamp) continue;
        const variant = pod.metadata.labels?.[VARIANT_LABEL];
        if (!variant) continue;
        const port = pod.spec.containers.flatMap((c) => c.ports ?? []).find((p) => p.name === "http")?.containerPort ?? PORT;
        const statuses = pod.status?.containerStatuses ?? [];
        const ready = statuses.length > 0 && statuses.every((c) => c.ready);
        const waiting = statuses.map((c) => c.state?.waiting).find(Boolean);
        const unschedulable = pod.status?.conditions?.find((c) => c.type === "PodScheduled" && c.status === "False");
        const message = unschedulable?.message ?? (waiting ? `${waiting.reason}${waiting.message ? `: ${waiting.message}` : ""}` : null);
        const list = out.get(variant) ?? [];
        list.push({ pod: pod.metadata.name, url: pod.status?.podIP ? `http://${pod.status.podIP}:${port}` : "", ready, phase: pod.status?.phase ?? "Pending", message });
        out.set(variant, list);
      }
      return out;
    },
  };
}

interface Pod {
  metadata: { name: string; labels?: Record<string, string>; deletionTimestamp?: string };
  spec: { containers: Array<{ ports?: Array<{ name?: string; containerPort: number }> }> };
  status?: {
    phase?: string; podIP?: string;
    conditions?: Array<{ type: string; status: string; message?: string }>;
    containerStatuses?: Array<{ ready: boolean; state?: { waiting?: { reason?: string; message?: string } } }>;
  };
}

export type VllmDeployments = ReturnType<typeof createVllmDeployments>;
