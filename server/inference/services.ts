import { and, desc, eq, gte, inArray, sql } from "drizzle-orm";
import type { Db, DbOrTx } from "@/server/db/client";
import { inferenceServices, modelVersions, registeredModels, serviceReplicas, serviceRequests, serviceStats, serviceVariants } from "@/server/db/schema";
import { findClusterByName, getClusterRow } from "@/server/clusters/clusters";
import { ConflictError, ValidationError } from "@/server/errors";
import { wakeRunner } from "@/server/runner/wake";
import type { Actor } from "@/server/tenancy/actor";
import { forgetService } from "./gateway-state";
import { removeKubernetesObjects } from "./kube-replicas";
import { stopProcessReplicas } from "./process-replicas";
import { createServiceSchema } from "./service-input";
import { serviceLifecycle, type ServiceStatus } from "./service-lifecycle";
import { getServiceRow, replicasOf, variantsOf, type Service, type Variant } from "./service-rows";
import { variantValues } from "./variants";

export type { Service } from "./service-rows";
export { getServiceRow, replicasOf, variantsOf } from "./service-rows";

export async function createService(db: Db, orgId: string, actor: Actor, raw: unknown): Promise<Service> {
  const input = createServiceSchema.parse(raw);
  const clusterId = input.backend === "kubernetes" ? (await kubernetesCluster(db, orgId, input.cluster!)).id : null;
  const service = await db.transaction(async (tx) => {
    const [taken] = await tx.select({ id: inferenceServices.id }).from(inferenceServices).where(and(eq(inferenceServices.orgId, orgId), eq(inferenceServices.name, input.name)));
    if (taken) throw new ConflictError(`A service named "${input.name}" exists (deleted ones keep their name)`);
    const variants = await Promise.all(input.variants.map((v) => variantValues(tx, orgId, input, v)));
    // A process variant runs the example server for its artifact's format, which decides the protocol.
    const protocols = new Set(variants.map((v) => v.protocol ?? input.protocol));
    if (protocols.size > 1) throw new ValidationError("The variants' servers speak different protocols (OpenAI and the Open Inference Protocol): a service speaks one");
    const created = await serviceLifecycle.create(tx, {
      values: {
        orgId, name: input.name, backend: input.backend, protocol: [...protocols][0], clusterId,
        statusMessage: input.backend === "vllm" ? "Checking the endpoints" : "Starting the replicas",
        createdBy: actor.kind === "user" ? actor.userId : null,
      },
      actor, reason: "created", audit: { action: "inference_service.create", details: { name: input.name, backend: input.backend, variants: input.variants.map((v) => v.name) } },
    });
    for (const [i, v] of variants.entries()) {
      const [row] = await tx.insert(serviceVariants).values({ ...v.values, serviceId: created.id }).returning();
      // Endpoints are registered now; process and kubernetes replicas are started by the service's controller.
      if (input.backend === "vllm") await tx.insert(serviceReplicas).values(input.variants[i].endpoints.map((url) => ({ orgId, serviceId: created.id, variantId: row.id, url })));
    }
    return created;
  });
  wakeRunner();
  return service;
}

async function kubernetesCluster(db: Db, orgId: string, nameOrId: string) {
  const cluster = await findClusterByName(db, orgId, nameOrId).catch(() => getClusterRow(db, orgId, nameOrId)).catch(() => null);
  if (!cluster) throw new ValidationError(`No cluster named "${nameOrId}" (Settings → Clusters registers one)`);
  if (cluster.kind !== "kuberay") throw new ValidationError(`"${cluster.name}" is a Ray cluster; the kubernetes backend needs a Kubernetes cluster`);
  return cluster;
}

function serviceView(s: Service) {
  return {
    id: s.id, name: s.name, status: s.status as ServiceStatus, statusMessage: s.statusMessage, backend: s.backend, protocol: s.protocol, createdAt: s.createdAt, updatedAt: s.updatedAt,
    slo: s.slo, sticky: s.sticky, autoscaling: s.autoscaling, driftReference: s.driftReference,
    // A webhook URL often carries its token (Slack's do): only where it points is shown.
    alertWebhook: s.alertWebhook ? webhookHost(s.alertWebhook) : null,
  };
}

function webhookHost(url: string) {
  try { return `${new URL(url).host}/…`; } catch { return "set"; }
}

function variantView(v: Variant, models: Array<{ id: string; name: string; version: number }>, replicas: Array<{ variantId: string; state: string }>) {
  const model = models.find((m) => m.id === v.modelVersionId);
  return {
    name: v.name, weight: v.weight, shadowPercent: v.shadowPercent, servedModel: v.servedModel, model: model ? { name: model.name, version: model.version } : null, desiredReplicas: v.replicas,
    hasUpstreamKey: v.upstreamKey !== null, spec: v.spec,
    replicas: { total: replicas.filter((r) => r.variantId === v.id).length, ready: replicas.filter((r) => r.variantId === v.id && r.state === "ready").length },
  };
}

async function modelsOf(db: DbOrTx, variants: Variant[]) {
  const ids = variants.flatMap((v) => (v.modelVersionId ? [v.modelVersionId] : []));
  return ids.length ? db.select({ id: modelVersions.id, name: registeredModels.name, version: modelVersions.version }).from(modelVersions)
    .innerJoin(registeredModels, eq(registeredModels.id, modelVersions.modelId)).where(inArray(modelVersions.id, ids)) : [];
}

export async function listServices(db: DbOrTx, orgId: string) {
  const rows = await db.select().from(inferenceServices).where(eq(inferenceServices.orgId, orgId)).orderBy(desc(inferenceServices.createdAt));
  const [variants, replicas] = rows.length ? await Promise.all([
    db.select().from(serviceVariants).where(eq(serviceVariants.orgId, orgId)).orderBy(serviceVariants.createdAt),
    db.select({ serviceId: serviceReplicas.serviceId, variantId: serviceReplicas.variantId, state: serviceReplicas.state }).from(serviceReplicas).where(eq(serviceReplicas.orgId, orgId)),
  ]) : [[], []];
  const models = await modelsOf(db, variants);
  return rows.map((s) => {
    const mine = replicas.filter((r) => r.serviceId === s.id);
    return {
      ...serviceView(s), variants: variants.filter((v) => v.serviceId === s.id).map((v) => variantView(v, models, mine)),
      replicas: { total: mine.length, ready: mine.filter((r) => r.state === "ready").length },
    };
  });
}

/** The service, its variants and replicas, the last hour per minute and variant, and the sampled request log. */
export async function getService(db: DbOrTx, orgId: string, idOrName: string) {
  const s = await getServiceRow(db, orgId, idOrName);
  const [variants, replicas, stats, requests] = await Promise.all([
    variantsOf(db, s.id),
    replicasOf(db, s.id),
    db.select().from(serviceStats).where(and(eq(serviceStats.serviceId, s.id), gte(serviceStats.minute, sql`now() - interval '60 minutes'`))).orderBy(serviceStats.minute, serviceStats.variant),
    db.select().from(serviceRequests).where(eq(serviceRequests.serviceId, s.id)).orderBy(desc(serviceRequests.id)).limit(50),
  ]);
  const models = await modelsOf(db, variants);
  const variantName = (id: string) => variants.find((v) => v.id === id)?.name ?? null;
  return {
    ...serviceView(s),
    variants: variants.map((v) => variantView(v, models, replicas)),
    replicas: replicas.map((r) => ({ id: r.id, variant: variantName(r.variantId), url: r.url, runId: r.runId, restarts: r.restarts, state: r.state, lastError: r.lastError, checkedAt: r.checkedAt, running: r.running, waiting: r.waiting, kvCacheUsage: r.kvCacheUsage })),
    stats: stats.map((m) => ({ minute: m.minute, variant: m.variant, requests: m.requests, errors: m.errors, promptTokens: m.promptTokens, completionTokens: m.completionTokens, latency: m.latency, ttft: m.ttft })),
    requests: requests.map((r) => ({ at: r.at, variant: r.variant, path: r.path, status: r.status, replica: r.replica, stream: r.stream === "yes", latencyMs: r.latencyMs, ttftMs: r.ttftMs, promptTokens: r.promptTokens, completionTokens: r.completionTokens, error: r.error, attempts: r.attempts })),
  };
}

/**
 * Deleting stops the service: the gateway refuses it from now on; Anvil's own replicas are
 * stopped (process runs at once, a kubernetes service's objects right after); stats and log stay.
 */
export async function deleteService(db: Db, orgId: string, actor: Actor, idOrName: string) {
  const s = await db.transaction(async (tx) => {
    const row = await getServiceRow(tx, orgId, idOrName);
    if (row.status === "STOPPED") throw new ConflictError("The service was already deleted");
    const moved = await serviceLifecycle.transition(tx, { id: row.id, orgId, from: row.status as ServiceStatus, to: "STOPPED", version: row.version, actor, reason: `deleted by ${actor.label}`, set: { statusMessage: "Deleted" } });
    if (!moved.ok) throw new ConflictError("The service changed meanwhile; try again");
    if (row.backend === "process") await stopProcessReplicas(tx, row);
    return row;
  });
  forgetService(s.id);
  if (s.backend === "kubernetes") await removeKubernetesObjects(db, s);
}
