import net from "node:net";
import { and, eq, inArray, sql } from "drizzle-orm";
import type { Db, DbOrTx } from "@/server/db/client";
import { inferenceServices, modelVersions, runs, serviceReplicas, serviceVariants } from "@/server/db/schema";
import { unseal } from "@/server/auth/secret-box";
import { ConflictError, ValidationError } from "@/server/errors";
import { isTerminal, runLifecycle } from "@/server/runner/run-lifecycle";
import type { ObjectStore } from "@/server/storage/object-store";
import { systemActor } from "@/server/tenancy/actor";
import { openArtifact, uploadArtifact } from "@/server/tracking/artifacts";
import { ensureExperiment, ensureProject } from "@/server/tracking/projects";
import { cancelJob } from "@/server/training/jobs";
import type { Replica, Service, Variant } from "./service-rows";

/**
 * The `process` backend: Anvil runs the model's server itself, one run per replica on this
 * machine's executor (`examples/serving/run-server.mjs`, which starts the example server that
 * knows the model's format). The model is staged into the run as `inputs/model.json` (a run's
 * token reads only its own artifacts). A replica whose run ended gets a new run; the runner
 * adopts running ones after a restart, as it does every job.
 */


export const SERVER_COMMAND = "node examples/serving/run-server.mjs";
const MAX_RESTARTS = 10;
/** The example servers, by the format their model artifacts declare. */
export const FORMATS: Record<string, "openai" | "oip"> = { "anvil-example/char-ngram@1": "openai", "anvil-example/iris-softmax@1": "oip" };

/** What a model version's artifact is: its format (the first key of the example models' JSON). */
export async function servableFormat(db: DbOrTx, store: ObjectStore, orgId: string, versionId: string): Promise<{ format: string; protocol: "openai" | "oip" }> {
  const [v] = await db.select().from(modelVersions).where(and(eq(modelVersions.id, versionId), eq(modelVersions.orgId, orgId)));
  if (!v?.runId || !v.artifactPath) throw new ValidationError("The process backend serves a version registered from a run's artifact (a model.json file)");
  let head = "";
  try {
    const opened = await openArtifact(db, store, orgId, v.runId, v.artifactPath, 4096);
    for await (const c of opened.stream ?? []) head += Buffer.from(c as Uint8Array).toString("utf8");
  } catch {
    throw new ValidationError(`Version ${v.version}'s artifact "${v.artifactPath}" is a folder or gone: the process backend serves a model.json file`);
  }
  const format = /"format"\s*:\s*"([^"]+)"/.exec(head)?.[1] ?? "";
  const protocol = FORMATS[format];
  if (!protocol) throw new ValidationError(`The process backend runs the example servers, for ${Object.keys(FORMATS).join(" and ")} models; this artifact is ${format ? `"${format}"` : "of no known format"}. Serve other models on vLLM endpoints.`);
  return { format, protocol };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer().once("error", reject).listen(0, "127.0.0.1", () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** A new run for the replica: created waiting, its model staged, then let go. */
async function startReplicaRun(db: Db, store: ObjectStore, service: Service, variant: Variant, replica: Replica | null): Promise<void> {
  const actor = systemActor(`service:${service.name}`);
  const [v] = await db.select().from(modelVersions).where(eq(modelVersions.id, variant.modelVersionId!));
  if (!v?.runId || !v.artifactPath) throw new ConflictError("The service's model version is gone");
  const port = await freePort();
  const run = await db.transaction(async (tx) => {
    // Held while the run is made: a delete that lands first is seen here, one that lands later sees this replica.
    const [live] = await tx.select({ id: inferenceServices.id }).from(inferenceServices)
      .where(and(eq(inferenceServices.id, service.id), eq(inferenceServices.orgId, service.orgId), sql`${inferenceServices.status} <> 'STOPPED'`)).for("update");
    if (!live) throw new ConflictError("The service was deleted");
    const project = await ensureProject(tx, service.orgId, "Default");
    const experiment = await ensureExperiment(tx, service.orgId, project.id, `Serving: ${service.name}`.slice(0, 100));
    const [stillThere] = await tx.select({ id: serviceVariants.id }).from(serviceVariants).where(eq(serviceVariants.id, variant.id));
    if (!stillThere) throw new ConflictError("The variant was removed");
    const created = await runLifecycle.create(tx, {
      values: {
        orgId: service.orgId, projectId: project.id, experimentId: experiment.id, type: "inference", name: `${service.name}/${variant.name} replica on :${port}`,
        executor: "local", resources: { gpuCount: 0, cpu: 1, memoryGb: 1 }, maxRetries: 0, retryOnFailure: false, createdBy: service.createdBy,
        executorSpec: { command: SERVER_COMMAND, env: { PORT: String(port), SERVED_MODEL_NAME: variant.servedModel, ...(variant.upstreamKey ? { SERVE_API_KEY: unseal(variant.upstreamKey) } : {}) } },
        nextCheckAt: sql`now() + interval '3 minutes'`,
      },
      actor, reason: "submitted", audit: { action: "run.submit", details: { service: service.name } },
    });
    const url = `http://127.0.0.1:${port}`;
    if (replica) await tx.update(serviceReplicas).set({ runId: created.id, url, state: "starting", lastError: null, restarts: replica.runId ? replica.restarts + 1 : replica.restarts }).where(eq(serviceReplicas.id, replica.id));
    else await tx.insert(serviceReplicas).values({ orgId: service.orgId, serviceId: service.id, variantId: variant.id, url, runId: created.id });
    return created;
  });
  const source = await openArtifact(db, store, service.orgId, v.runId, v.artifactPath);
  await uploadArtifact(db, store, run, actor, { path: "inputs/model.json", contentType: "application/json", body: source.stream ?? new ReadableStream({ start: (c) => c.close() }) });
  await db.update(runs).set({ nextCheckAt: sql`now()` }).where(and(eq(runs.id, run.id), eq(runs.status, "QUEUED")));
}

/**
 * As many replicas per variant as asked, each with a live run: a run that ended (crashed,
 * stopped, lost) is replaced; extra replicas (scaled down) are stopped and removed.
 */
export async function ensureProcessReplicas(db: Db, store: ObjectStore, service: Service, variants: Variant[]): Promise<void> {
  for (const variant of variants) await ensureVariantReplicas(db, store, service, variant);
}

async function ensureVariantReplicas(db: Db, store: ObjectStore, service: Service, variant: Variant): Promise<void> {
  const replicas = await db.select().from(serviceReplicas).where(eq(serviceReplicas.variantId, variant.id)).orderBy(serviceReplicas.url);
  const runIds = replicas.map((r) => r.runId).filter((x): x is string => x !== null);
  const runRows = runIds.length ? await db.select({ id: runs.id, status: runs.status, finishedAt: runs.finishedAt }).from(runs).where(and(eq(runs.orgId, service.orgId), inArray(runs.id, runIds))) : [];
  const statusOf = (r: Replica) => runRows.find((x) => x.id === r.runId)?.status;
  for (const extra of replicas.slice(variant.replicas)) {
    if (extra.runId && !isTerminal(statusOf(extra) ?? "SUCCEEDED")) await cancelJob(db, { id: service.orgId }, systemActor(`service:${service.name}`), extra.runId).catch(() => {});
    await db.delete(serviceReplicas).where(eq(serviceReplicas.id, extra.id));
  }
  for (const r of replicas.slice(0, variant.replicas)) {
    const status = statusOf(r);
    if (r.runId && status && !isTerminal(status)) continue;
    // A server that keeps dying is restarted ever more slowly (at once, then 10 s, 20 s, … 10 min), and given up on after 10 tries.
    if (r.restarts >= MAX_RESTARTS) {
      await db.update(serviceReplicas).set({ state: "unhealthy", lastError: `its server stopped ${r.restarts + 1} times; not restarted again (see its last run)` }).where(eq(serviceReplicas.id, r.id));
      continue;
    }
    const ended = runRows.find((x) => x.id === r.runId)?.finishedAt;
    const wait = r.restarts === 0 ? 0 : Math.min(10_000 * 2 ** (r.restarts - 1), 600_000);
    if (r.runId && ended && Date.now() - ended.getTime() < wait) continue;
    await startReplicaRun(db, store, service, variant, r);
  }
  for (let i = replicas.length; i < variant.replicas; i++) await startReplicaRun(db, store, service, variant, null);
}

/** Stops the replicas' runs: of the whole service (deleted), or of one variant (removed). */
export async function stopProcessReplicas(tx: DbOrTx, service: Pick<Service, "id" | "orgId" | "name">, variantId?: string) {
  const replicas = await tx.select().from(serviceReplicas).where(variantId ? eq(serviceReplicas.variantId, variantId) : eq(serviceReplicas.serviceId, service.id));
  for (const r of replicas) if (r.runId) await cancelJob(tx as Db, { id: service.orgId }, systemActor(`service:${service.name}`), r.runId).catch(() => {});
}
