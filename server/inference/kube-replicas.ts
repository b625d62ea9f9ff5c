import { and, eq, notInArray, sql } from "drizzle-orm";
import type { Db } from "@/server/db/client";
import { clusters, inferenceServices, serviceReplicas } from "@/server/db/schema";
import { unseal } from "@/server/auth/secret-box";
import { kubeConnection } from "@/server/clusters/cluster-executors";
import { createVllmDeployments, manifestHash, type VariantDeployment } from "@/server/executors/kubernetes/vllm-deployments";
import { log } from "@/server/log";
import { variantsOf, type Service, type Variant } from "./service-rows";

/**
 * The `kubernetes` backend: each variant is a vLLM Deployment (with its Service and Secret) in
 * the cluster's namespace. Applied when what it should run changed (and once per Anvil
 * process); Deployments of variants that are gone are deleted; the replicas are the pods,
 * probed by the service's controller like any endpoint.
 */

const applied = new Map<string, string>();

async function deploymentsFor(db: Db, service: Service) {
  const [cluster] = await db.select().from(clusters).where(and(eq(clusters.id, service.clusterId!), eq(clusters.orgId, service.orgId)));
  if (!cluster) throw new Error("its Kubernetes cluster is no longer registered");
  return createVllmDeployments(kubeConnection(cluster));
}

function deploymentOf(service: Service, v: Variant, installId: string): VariantDeployment {
  const spec = v.spec!;
  return {
    serviceId: service.id, serviceName: service.name, variant: v.name, installId, image: spec.image, model: spec.model, servedModel: v.servedModel,
    replicas: v.replicas, gpus: spec.gpus, args: spec.args, apiKey: unseal(v.upstreamKey!),
  };
}

/**
 * Applies every variant, removes what no variant owns, and records the pods as the variants'
 * replicas. Returns what holds a variant back (an unschedulable pod, a failing container), if anything.
 */
export async function ensureKubernetesReplicas(db: Db, service: Service, installId: string, signal: AbortSignal): Promise<string | null> {
  const kube = await deploymentsFor(db, service);
  const variants = await variantsOf(db, service.id);
  for (const v of variants) {
    const d = deploymentOf(service, v, installId);
    const hash = manifestHash(d);
    if (applied.get(v.id) === hash) continue;
    await kube.apply(d, signal);
    applied.set(v.id, hash);
  }
  for (const orphan of await kube.variants(service.id, signal)) {
    if (variants.some((v) => v.name === orphan.variant)) continue;
    log.info("kubernetes: removing the Deployment of a removed variant", { service: service.name, variant: orphan.variant });
    await kube.remove(orphan.name, signal);
  }
  const pods = await kube.replicas(service.id, signal);
  const problems: string[] = [];
  for (const v of variants) {
    const found = (pods.get(v.name) ?? []).filter((p) => p.url);
    const urls = found.map((p) => p.url);
    await db.delete(serviceReplicas).where(and(eq(serviceReplicas.variantId, v.id), urls.length ? notInArray(serviceReplicas.url, urls) : sql`true`));
    for (const p of found) {
      // Not ready in Kubernetes' eyes (still loading the model): shown as starting with what the pod says.
      await db.insert(serviceReplicas).values({ orgId: service.orgId, serviceId: service.id, variantId: v.id, url: p.url, lastError: p.ready ? null : p.message })
        .onConflictDoUpdate({ target: [serviceReplicas.serviceId, serviceReplicas.url], set: { variantId: v.id, ...(p.ready ? {} : { state: "starting" as const, lastError: p.message }) } });
    }
    const stuck = (pods.get(v.name) ?? []).find((p) => !p.ready && p.message);
    if (stuck) problems.push(`variant ${v.name}: pod ${stuck.pod} ${stuck.message}`);
  }
  return problems.length ? problems.join("; ") : null;
}

/** After a delete: the service's Deployments, Services and Secrets go; a failure is said on the service. */
export async function removeKubernetesObjects(db: Db, service: Service): Promise<void> {
  const signal = AbortSignal.timeout(30_000);
  try {
    const kube = await deploymentsFor(db, service);
    for (const o of await kube.variants(service.id, signal)) await kube.remove(o.name, signal);
  } catch (err) {
    const message = `Deleted, but its Kubernetes objects could not be removed (${(err as Error).message}); delete those labelled anvil.dev/service-id=${service.id}`;
    await db.update(inferenceServices).set({ statusMessage: message }).where(eq(inferenceServices.id, service.id));
  }
}
