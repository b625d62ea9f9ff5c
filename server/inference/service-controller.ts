import { eq, sql } from "drizzle-orm";
import { unseal } from "@/server/auth/secret-box";
import { inferenceServices, serviceReplicas } from "@/server/db/schema";
import { probeEndpoint } from "@/server/executors/vllm/vllm-probe";
import type { Controller } from "@/server/runner/controller";
import { systemActor } from "@/server/tenancy/actor";
import { getObjectStore } from "@/server/storage";
import { forgetService } from "./gateway-state";
import { autoscale } from "./autoscaler";
import { ensureKubernetesReplicas } from "./kube-replicas";
import { ensureProcessReplicas } from "./process-replicas";
import { serviceLifecycle, type ServiceStatus } from "./service-lifecycle";
import { replicasOf, variantsOf } from "./service-rows";

/** Replicas are checked every 5 s; a service that never became ready in 5 minutes is UNAVAILABLE. */
const CHECK_EVERY_MS = 5000;
const DEPLOY_GRACE_MS = 5 * 60_000;

/**
 * One step of a service: probe every replica (health, the served model, vLLM's load), record
 * what each said, and move the service to READY, DEGRADED or UNAVAILABLE accordingly.
 */
export const serviceController: Controller<typeof inferenceServices> = {
  lifecycle: serviceLifecycle,
  reconcile: async (db, opts, service, signal) => {
    let variants = await variantsOf(db, service.id);
    if (await autoscale(db, service, variants, await replicasOf(db, service.id))) variants = await variantsOf(db, service.id);
    let backendProblem: string | null = null;
    if (service.backend === "process") await ensureProcessReplicas(db, getObjectStore(), service, variants);
    if (service.backend === "kubernetes") {
      // The API server being away does not stop the pods: they are still probed below.
      backendProblem = await ensureKubernetesReplicas(db, service, opts.installId, signal).catch((err: Error) => `Kubernetes: ${err.message}`);
    }
    const replicas = await replicasOf(db, service.id);
    const results = await Promise.all(replicas.map((r) => {
      const v = variants.find((x) => x.id === r.variantId)!;
      return probeEndpoint(r.url, { protocol: service.protocol, servedModel: v.servedModel, key: v.upstreamKey ? unseal(v.upstreamKey) : undefined, signal });
    }));
    signal.throwIfAborted();
    for (const [i, r] of replicas.entries()) {
      const p = results[i];
      // A replica Anvil runs whose server is still starting is "starting", not unhealthy.
      const starting = !p.ready && service.backend !== "vllm" && r.state === "starting";
      await db.update(serviceReplicas).set({ state: p.ready ? "ready" : starting ? "starting" : "unhealthy", lastError: starting ? null : p.error, checkedAt: sql`now()`, running: p.running, waiting: p.waiting, kvCacheUsage: p.kvCacheUsage })
        .where(eq(serviceReplicas.id, r.id));
    }
    forgetService(service.id); // the gateway reads the new health at its next request
    const ready = results.filter((p) => p.ready).length;
    const from = service.status as ServiceStatus;
    const deploying = from === "DEPLOYING" && Date.now() - service.createdAt.getTime() < DEPLOY_GRACE_MS;
    const to: ServiceStatus = ready === replicas.length && ready > 0 ? "READY" : ready > 0 ? "DEGRADED" : deploying ? "DEPLOYING" : "UNAVAILABLE";
    const firstError = backendProblem ?? results.find((p) => !p.ready)?.error;
    const message = to === "READY" ? `${ready} of ${replicas.length} replica${replicas.length === 1 ? "" : "s"} ready${backendProblem ? `; ${backendProblem}` : ""}`
      : to === "DEGRADED" ? `${ready} of ${replicas.length} replicas ready; the others: ${firstError}`
      : `No replica ready: ${firstError ?? "none registered"}`;
    if (to !== from) {
      const moved = await db.transaction((tx) => serviceLifecycle.transition(tx, {
        id: service.id, orgId: service.orgId, from, to, version: service.version, leaseOwner: opts.owner, actor: systemActor("health check"), reason: message, set: { statusMessage: message },
      }));
      if (moved.ok) return void (await serviceLifecycle.release(db, { id: service.id, version: moved.version }, opts.owner, CHECK_EVERY_MS));
      return;
    }
    // While deploying, look again every second: the first replica is ready sooner.
    await serviceLifecycle.release(db, service, opts.owner, to === "DEPLOYING" ? 1000 : CHECK_EVERY_MS, { statusMessage: to === "DEPLOYING" && service.backend !== "vllm" ? backendProblem ?? "Starting the replicas" : message });
  },
};
