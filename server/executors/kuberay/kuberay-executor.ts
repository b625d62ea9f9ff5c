import { createHash } from "node:crypto";
import { distributedEnv, driverGpus } from "../ray/ray-executor";
import { snippet } from "../http-call";
import { RemoteCallError, type CallOptions, type Executor, type JobSpec, type LogChunk, type RemoteStatus } from "../types";
import { kubeError, kubeRequest, type KubeConnection } from "./kube-client";

export interface KubeRayOptions extends KubeConnection {
  installId: string;
  /** Image of the Ray cluster each job gets, e.g. rayproject/ray:2.52.0. */
  rayImage: string;
}

export interface KubeRayExecutor extends Executor {
  /** Reachability, credentials and the RayJob resource: lists RayJobs in the namespace. */
  probe(opts: CallOptions): Promise<{ rayJobs: number }>;
}

/** KubeRay derives the RayCluster's name from the RayJob's (+6 characters, 53 at most). */
export const MAX_RAYJOB_NAME = 47;
const LOG_SLICE = 256 * 1024;

interface RayJobObject {
  metadata?: { name?: string; annotations?: Record<string, string>; labels?: Record<string, string> };
  status?: {
    jobId?: string; rayClusterName?: string; jobStatus?: string; jobDeploymentStatus?: string;
    reason?: string; message?: string; startTime?: string; endTime?: string;
  };
}

/**
 * Runs jobs as RayJob objects (ray.io/v1) through the Kubernetes API. The operator creates a Ray
 * cluster per job, submits it under `spec.jobId` (our remote id) and deletes the cluster after.
 */
export function createKubeRayExecutor(options: KubeRayOptions): KubeRayExecutor {
  const ns = encodeURIComponent(options.namespace);
  const collection = `/apis/ray.io/v1/namespaces/${ns}/rayjobs`;
  const one = (remoteId: string) => `${collection}/${rayJobName(remoteId)}`;

  const get = async (remoteId: string, signal: AbortSignal): Promise<RayJobObject | null> => {
    const reply = await kubeRequest(options, "GET", one(remoteId), signal);
    if (reply.status === 404 && reply.body !== undefined) return null;
    if (reply.status !== 200) throw kubeError(reply, "reading a RayJob");
    if (!reply.body || typeof reply.body !== "object") throw new RemoteCallError("protocol", `the Kubernetes API answered a RayJob that is not JSON: ${snippet(reply.text)}`);
    return reply.body as RayJobObject;
  };

  return {
    placement: null,
    async probe({ signal }) {
      const reply = await kubeRequest(options, "GET", `${collection}?limit=500`, signal);
      if (reply.status !== 200) throw kubeError(reply, "listing RayJobs");
      return { rayJobs: ((reply.body as { items?: unknown[] })?.items ?? []).length };
    },
    async submit(spec, remoteId, { signal }) {
      const reply = await kubeRequest(options, "POST", collection, signal, rayJobManifest(spec, remoteId, options));
      // AlreadyExists: this attempt was created before (a runner crashed after the call): absorbed.
      if (reply.status === 409) return;
      if (reply.status !== 201 && reply.status !== 200) throw kubeError(reply, "creating a RayJob");
    },
    async status(remoteId, { signal }) {
      const job = await get(remoteId, signal);
      if (!job) return { state: "LOST", message: `the RayJob ${rayJobName(remoteId)} no longer exists in namespace ${options.namespace}` };
      return kubeRayStatus(job);
    },
    async logs(remoteId, cursor, { signal }): Promise<LogChunk> {
      const job = await get(remoteId, signal);
      const cluster = job?.status?.rayClusterName;
      if (!cluster) return { text: "", cursor };
      // The dashboard through the API server's service proxy: no route into the cluster needed.
      const path = `/api/v1/namespaces/${ns}/services/${encodeURIComponent(`${cluster}-head-svc:8265`)}/proxy/api/jobs/${encodeURIComponent(job.status?.jobId ?? remoteId)}/logs`;
      const reply = await kubeRequest(options, "GET", path, signal);
      // The head is not up yet, or already gone with its cluster: nothing more to read now.
      if (reply.status !== 200) return { text: "", cursor };
      const text = typeof (reply.body as { logs?: unknown })?.logs === "string" ? (reply.body as { logs: string }).logs : "";
      const from = Math.min(Number.parseInt(cursor || "0", 10) || 0, text.length);
      const slice = text.slice(from, from + LOG_SLICE);
      return { text: slice, cursor: String(from + slice.length) };
    },
    async stop(remoteId, { signal }) {
      // Suspending stops the Ray job and tears its cluster down, and keeps the object to observe.
      const reply = await kubeRequest(options, "PATCH", one(remoteId), signal, { spec: { suspend: true } }, "application/merge-patch+json");
      if (reply.status === 404 && reply.body !== undefined) return;
      if (reply.status !== 200) throw kubeError(reply, "suspending a RayJob");
    },
    async delete(remoteId, { signal }) {
      const reply = await kubeRequest(options, "DELETE", one(remoteId), signal);
      if (reply.status === 404 && reply.body !== undefined) return;
      if (reply.status !== 200 && reply.status !== 202) throw kubeError(reply, "deleting a RayJob");
    },
    async running({ signal }) {
      const selector = encodeURIComponent(`anvil.dev/install=${options.installId}`);
      const reply = await kubeRequest(options, "GET", `${collection}?labelSelector=${selector}`, signal);
      if (reply.status !== 200) throw kubeError(reply, "listing RayJobs");
      const items = ((reply.body as { items?: RayJobObject[] })?.items ?? []);
      return items
        .filter((j) => !["Complete", "Failed", "ValidationFailed", "Suspended"].includes(j.status?.jobDeploymentStatus ?? ""))
        .map((j) => j.metadata?.annotations?.["anvil.dev/remote-id"])
        .filter((id): id is string => Boolean(id));
    },
  };
}

/**
 * A DNS-1035 label of at most 47 characters: the remote id itself when it fits, otherwise its
 * start and a hash of the whole (the Ray submission id stays the full remote id).
 */
export function rayJobName(remoteId: string): string {
  const clean = remoteId.toLowerCase().replace(/[^a-z0-9-]+/g, "-").replace(/^[^a-z]+/, "").replace(/-+$/, "");
  if (clean === remoteId && clean.length <= MAX_RAYJOB_NAME) return clean;
  const hash = createHash("sha256").update(remoteId).digest("hex").slice(0, 12);
  const head = clean.slice(0, MAX_RAYJOB_NAME - hash.length - 1).replace(/-+$/, "");
  return head ? `${head}-${hash}` : `j${hash}`;
}

/**
 * Our states from the operator's. Only Complete and Failed are final; a Ray job that was
 * STOPPED also ends `Complete`, so jobStatus decides between success and a stop.
 */
export function kubeRayStatus(job: RayJobObject): RemoteStatus {
  const s = job.status ?? {};
  const times = { startedAt: s.startTime ?? null, finishedAt: s.endTime ?? null };
  const detail = [s.reason, s.message].filter(Boolean).join(": ");
  switch (s.jobDeploymentStatus ?? "") {
    case "Complete":
      if (s.jobStatus === "SUCCEEDED") return { state: "SUCCEEDED", ...times };
      if (s.jobStatus === "FAILED") return { state: "FAILED", message: detail || "the Ray job failed", ...times };
      return { state: "STOPPED", message: detail || `the Ray job ended ${s.jobStatus || "without a status"}`, ...times };
    case "Failed":
      return { state: "FAILED", message: detail || "the RayJob failed", ...times };
    case "ValidationFailed":
      return { state: "FAILED", message: `KubeRay rejected the RayJob: ${s.message ?? "validation failed"}`, ...times };
    case "Suspended":
      return { state: "STOPPED", message: "the RayJob was suspended", ...times };
    case "Running":
    case "Suspending":
      return s.jobStatus === "PENDING" || !s.jobStatus
        ? { state: "PENDING", message: "Ray job submitted, waiting for its driver" }
        : { state: "RUNNING", ...times, finishedAt: null };
    default: // "", Initializing, Waiting, Retrying
      return { state: "PENDING", message: s.jobDeploymentStatus === "Initializing" ? "Ray cluster starting" : (s.message || "waiting for the KubeRay operator") };
  }
}

/** The RayJob for a job spec: a Ray cluster of its own, torn down after the job. */
export function rayJobManifest(spec: JobSpec, remoteId: string, options: Pick<KubeRayOptions, "namespace" | "installId" | "rayImage">) {
  const r = spec.resources ?? {};
  const d = spec.distributed;
  const runtimeEnv: Record<string, unknown> = { env_vars: { ...spec.env, ...distributedEnv(spec) } };
  if (spec.cwd) runtimeEnv.working_dir = spec.cwd;
  if (spec.pip && spec.pip.length > 0) runtimeEnv.pip = spec.pip;
  const rayVersion = /:(\d+\.\d+\.\d+)/.exec(options.rayImage)?.[1];
  const limits = (cpu: number | undefined, memoryGb: number | undefined, gpus: number) => ({
    ...(cpu ? { cpu: String(cpu) } : {}),
    ...(memoryGb ? { memory: `${Math.round(memoryGb * 1024)}Mi` } : {}),
    ...(gpus > 0 ? { "nvidia.com/gpu": String(gpus) } : {}),
  });
  const nodeSelector = r.gpuType ? { nodeSelector: { "nvidia.com/gpu.product": r.gpuType } } : {};
  // Single-node GPU jobs get one GPU worker; distributed jobs get `workers` of them.
  const workers = d ? d.workers : (r.gpuCount ?? 0) > 0 ? 1 : 0;
  const workerLimits = d ? limits(d.cpusPerWorker, d.memoryGbPerWorker, d.gpusPerWorker) : limits(r.cpu, r.memoryGb, r.gpuCount ?? 0);
  return {
    apiVersion: "ray.io/v1",
    kind: "RayJob",
    metadata: {
      name: rayJobName(remoteId),
      namespace: options.namespace,
      labels: { "app.kubernetes.io/managed-by": "anvil", "anvil.dev/install": options.installId },
      annotations: { "anvil.dev/remote-id": remoteId, ...prefixed(spec.metadata) },
    },
    spec: {
      entrypoint: spec.command,
      jobId: remoteId,
      // YAML text in the CRD; JSON is YAML, and no YAML writer can get it wrong.
      runtimeEnvYAML: JSON.stringify(runtimeEnv),
      metadata: { ...spec.metadata, anvil_install: options.installId },
      ...(r.cpu ? { entrypointNumCpus: r.cpu } : {}),
      ...(driverGpus(spec) > 0 ? { entrypointNumGpus: driverGpus(spec) } : {}),
      // Anvil retries attempts itself, each under a new id: the operator must not retry too.
      backoffLimit: 0,
      shutdownAfterJobFinishes: true,
      // Long enough for the runner to read the last logs through the head before it goes.
      ttlSecondsAfterFinished: 300,
      rayClusterSpec: {
        ...(rayVersion ? { rayVersion } : {}),
        headGroupSpec: {
          rayStartParams: { "dashboard-host": "0.0.0.0" },
          template: { spec: { containers: [{ name: "ray-head", image: options.rayImage, resources: { limits: limits(d ? 2 : r.cpu, d ? 8 : r.memoryGb, 0) } }] } },
        },
        workerGroupSpecs: workers > 0 ? [{
          groupName: d ? "workers" : "gpu",
          replicas: workers, minReplicas: workers, maxReplicas: workers,
          rayStartParams: {},
          template: { spec: { containers: [{ name: "ray-worker", image: options.rayImage, resources: { limits: workerLimits } }], ...nodeSelector } },
        }] : [],
      },
    },
  };
}

function prefixed(metadata: Record<string, string> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(metadata ?? {}).map(([k, v]) => [`anvil.dev/${k.replace(/[^A-Za-z0-9_.-]/g, "-")}`, v]));
}

