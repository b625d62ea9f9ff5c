import { randomBytes } from "node:crypto";
import { and, desc, eq, gte, notInArray, sql } from "drizzle-orm";
import type { Db, DbOrTx } from "@/server/db/client";
import { inferenceServices, modelVersions, registeredModels, serviceReplicas, serviceRequests, serviceStats } from "@/server/db/schema";
import { seal } from "@/server/auth/secret-box";
import { ConflictError, NotFoundError } from "@/server/errors";
import { getModelRow, versionRow } from "@/server/registry/models";
import { wakeRunner } from "@/server/runner/wake";
import type { Actor } from "@/server/tenancy/actor";
import { recordAudit } from "@/server/tenancy/audit";
import { getObjectStore } from "@/server/storage";
import { servableFormat, stopProcessReplicas } from "./process-replicas";
import { createServiceSchema, updateServiceSchema } from "./service-input";
import { serviceLifecycle, type ServiceStatus } from "./service-lifecycle";

export type Service = typeof inferenceServices.$inferSelect;

export async function createService(db: Db, orgId: string, actor: Actor, raw: unknown): Promise<Service> {
  const input = createServiceSchema.parse(raw);
  const modelVersionId = input.model ? (await versionRow(db, await getModelRow(db, orgId, input.model.name), input.model.version)).id : null;
  // A process service runs the example server for the artifact's format, which decides the protocol.
  const protocol = input.backend === "process" ? (await servableFormat(db, getObjectStore(), orgId, modelVersionId!)).protocol : input.protocol;
  const service = await db.transaction(async (tx) => {
    const [taken] = await tx.select({ id: inferenceServices.id }).from(inferenceServices).where(and(eq(inferenceServices.orgId, orgId), eq(inferenceServices.name, input.name)));
    if (taken) throw new ConflictError(`A service named "${input.name}" exists (deleted ones keep their name)`);
    const created = await serviceLifecycle.create(tx, {
      values: {
        orgId, name: input.name, backend: input.backend, protocol, servedModel: input.servedModel ?? input.name, modelVersionId, replicas: input.backend === "process" ? input.replicas : input.endpoints.length,
        // A process service's replicas take a key of their own, which only the gateway and the health checks send.
        upstreamKey: input.backend === "process" ? seal(randomBytes(24).toString("base64url")) : input.upstreamKey ? seal(input.upstreamKey) : null,
        statusMessage: input.backend === "process" ? "Starting the replicas" : "Checking the endpoints",
        createdBy: actor.kind === "user" ? actor.userId : null,
      },
      actor, reason: "created", audit: { action: "inference_service.create", details: { name: input.name, endpoints: input.endpoints.length } },
    });
    // Process replicas are started by the service's controller, endpoints are registered now.
    if (input.backend === "vllm") await tx.insert(serviceReplicas).values(input.endpoints.map((url) => ({ orgId, serviceId: created.id, url })));
    return created;
  });
  wakeRunner();
  return service;
}

export async function getServiceRow(db: DbOrTx, orgId: string, idOrName: string): Promise<Service> {
  const byId = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(idOrName);
  const [row] = await db.select().from(inferenceServices)
    .where(and(eq(inferenceServices.orgId, orgId), byId ? eq(inferenceServices.id, idOrName) : eq(inferenceServices.name, idOrName)));
  if (!row) throw new NotFoundError("Service");
  return row;
}

export const replicasOf = (db: DbOrTx, serviceId: string) => db.select().from(serviceReplicas).where(eq(serviceReplicas.serviceId, serviceId)).orderBy(serviceReplicas.url);

function serviceView(s: Service) {
  return {
    id: s.id, name: s.name, status: s.status as ServiceStatus, statusMessage: s.statusMessage, backend: s.backend, protocol: s.protocol,
    servedModel: s.servedModel, desiredReplicas: s.replicas, hasUpstreamKey: s.upstreamKey !== null, createdAt: s.createdAt, updatedAt: s.updatedAt,
  };
}

export async function listServices(db: DbOrTx, orgId: string) {
  const rows = await db.select({ s: inferenceServices, model: registeredModels.name, version: modelVersions.version }).from(inferenceServices)
    .leftJoin(modelVersions, eq(modelVersions.id, inferenceServices.modelVersionId)).leftJoin(registeredModels, eq(registeredModels.id, modelVersions.modelId))
    .where(eq(inferenceServices.orgId, orgId)).orderBy(desc(inferenceServices.createdAt));
  const replicas = rows.length ? await db.select({ serviceId: serviceReplicas.serviceId, state: serviceReplicas.state }).from(serviceReplicas).where(eq(serviceReplicas.orgId, orgId)) : [];
  return rows.map(({ s, model, version }) => ({
    ...serviceView(s), model: model ? { name: model, version: version! } : null,
    replicas: { total: replicas.filter((r) => r.serviceId === s.id).length, ready: replicas.filter((r) => r.serviceId === s.id && r.state === "ready").length },
  }));
}

/** The service, its replicas, the last hour per minute, and the sampled request log. */
export async function getService(db: DbOrTx, orgId: string, idOrName: string) {
  const s = await getServiceRow(db, orgId, idOrName);
  const [replicas, stats, requests, model] = await Promise.all([
    replicasOf(db, s.id),
    db.select().from(serviceStats).where(and(eq(serviceStats.serviceId, s.id), gte(serviceStats.minute, sql`now() - interval '60 minutes'`))).orderBy(serviceStats.minute),
    db.select().from(serviceRequests).where(eq(serviceRequests.serviceId, s.id)).orderBy(desc(serviceRequests.id)).limit(50),
    s.modelVersionId ? db.select({ name: registeredModels.name, version: modelVersions.version }).from(modelVersions).innerJoin(registeredModels, eq(registeredModels.id, modelVersions.modelId)).where(eq(modelVersions.id, s.modelVersionId)) : [],
  ]);
  return {
    ...serviceView(s), model: model[0] ?? null,
    replicas: replicas.map((r) => ({ id: r.id, url: r.url, runId: r.runId, restarts: r.restarts, state: r.state, lastError: r.lastError, checkedAt: r.checkedAt, waiting: r.waiting, kvCacheUsage: r.kvCacheUsage })),
    stats: stats.map((m) => ({ minute: m.minute, requests: m.requests, errors: m.errors, promptTokens: m.promptTokens, completionTokens: m.completionTokens, latency: m.latency, ttft: m.ttft })),
    requests: requests.map((r) => ({ at: r.at, path: r.path, status: r.status, replica: r.replica, stream: r.stream === "yes", latencyMs: r.latencyMs, ttftMs: r.ttftMs, promptTokens: r.promptTokens, completionTokens: r.completionTokens, error: r.error, attempts: r.attempts })),
  };
}

/** New endpoints (kept ones keep their health) or a new upstream key. */
export async function updateService(db: Db, orgId: string, actor: Actor, idOrName: string, raw: unknown) {
  const input = updateServiceSchema.parse(raw);
  await db.transaction(async (tx) => {
    const s = await getServiceRow(tx, orgId, idOrName);
    if (s.status === "STOPPED") throw new ConflictError("The service was deleted");
    if (input.replicas !== undefined) {
      if (s.backend !== "process") throw new ConflictError("Replicas of a vLLM service are its endpoints: change those");
      await tx.update(inferenceServices).set({ replicas: input.replicas }).where(eq(inferenceServices.id, s.id));
    }
    if (input.endpoints) {
      if (s.backend === "process") throw new ConflictError("Anvil runs this service's replicas: change their number, not endpoints");
      await tx.delete(serviceReplicas).where(and(eq(serviceReplicas.serviceId, s.id), notInArray(serviceReplicas.url, input.endpoints)));
      await tx.insert(serviceReplicas).values(input.endpoints.map((url) => ({ orgId, serviceId: s.id, url }))).onConflictDoNothing();
    }
    // New endpoints do not inherit the key: it would be sent to hosts it was not given for.
    if (input.upstreamKey !== undefined || input.endpoints) await tx.update(inferenceServices).set({ upstreamKey: input.upstreamKey ? seal(input.upstreamKey) : null }).where(eq(inferenceServices.id, s.id));
    await tx.update(inferenceServices).set({ updatedAt: sql`now()`, nextCheckAt: sql`now()` }).where(eq(inferenceServices.id, s.id));
    await recordAudit(tx, { orgId, actor, action: "inference_service.update", targetType: "inference_service", targetId: s.id, details: { endpoints: input.endpoints?.length, upstreamKey: input.upstreamKey === undefined ? undefined : Boolean(input.upstreamKey) } });
  });
  wakeRunner();
}

/** Deleting stops the service: the gateway refuses it from now on; its stats and log stay. */
export async function deleteService(db: Db, orgId: string, actor: Actor, idOrName: string) {
  await db.transaction(async (tx) => {
    const s = await getServiceRow(tx, orgId, idOrName);
    if (s.status === "STOPPED") throw new ConflictError("The service was already deleted");
    const moved = await serviceLifecycle.transition(tx, { id: s.id, orgId, from: s.status as ServiceStatus, to: "STOPPED", version: s.version, actor, reason: `deleted by ${actor.label}`, set: { statusMessage: "Deleted" } });
    if (!moved.ok) throw new ConflictError("The service changed meanwhile; try again");
    if (s.backend === "process") await stopProcessReplicas(tx, s);
  });
}
