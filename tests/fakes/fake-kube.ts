import http from "node:http";
import type { AddressInfo } from "node:net";
import { parse as parseYaml } from "yaml";
import { FakeRay, type FakeRayOptions } from "./fake-ray";

/**
 * A Kubernetes API server holding RayJobs (ray.io/v1), with a KubeRay operator loop beside it,
 * faithful to reference/ray-vllm-contracts.md §2: Status objects for errors, 409 AlreadyExists,
 * merge-patch, label selectors; the operator moves "" → Initializing → Running → Complete/Failed,
 * submits to a Ray cluster of its own (a FakeRay) under `spec.jobId`, maps a STOPPED Ray job to
 * Complete, suspends on `spec.suspend`, and stops the Ray job when the RayJob is deleted.
 * Service proxy `/api/v1/namespaces/{ns}/services/{cluster}-head-svc:8265/proxy/…` reaches the
 * job's dashboard, as the real API server's proxy would.
 */
export interface FakeKubeOptions { token?: string; clusterStartMs?: number; ray?: FakeRayOptions }

interface RayJob {
  apiVersion: string; kind: string;
  metadata: { name: string; namespace: string; uid: string; labels?: Record<string, string>; annotations?: Record<string, string>; finalizers?: string[]; creationTimestamp: string; resourceVersion: string; deletionTimestamp?: string };
  spec: Record<string, unknown> & { entrypoint?: string; jobId?: string; runtimeEnvYAML?: string; suspend?: boolean };
  status?: Record<string, unknown> & { jobDeploymentStatus?: string; jobStatus?: string; jobId?: string; rayClusterName?: string };
}

const TERMINAL = ["STOPPED", "SUCCEEDED", "FAILED"];

export class FakeKube {
  readonly ray: FakeRay;
  readonly rayJobs = new Map<string, RayJob>();
  creates = 0;
  private server?: http.Server;
  private timer?: NodeJS.Timeout;
  private version = 1;

  constructor(private readonly opts: FakeKubeOptions = {}) {
    this.ray = new FakeRay(opts.ray);
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  async listen(port = 0): Promise<this> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((r) => this.server!.listen(port, "127.0.0.1", r));
    this.timer = setInterval(() => this.reconcile(), 50);
    return this;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    this.ray.restartHead();
    this.server?.closeAllConnections();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  /** The operator: one step for every RayJob. */
  private reconcile(): void {
    const now = Date.now();
    for (const job of this.rayJobs.values()) {
      const s = (job.status ??= {});
      const created = Date.parse(job.metadata.creationTimestamp);
      if (job.metadata.deletionTimestamp) {
        // The finalizer: stop the Ray job unless it is terminal, then let the object go.
        if (s.jobId && !TERMINAL.includes(String(s.jobStatus))) this.ray.stop(String(s.jobId));
        this.rayJobs.delete(`${job.metadata.namespace}/${job.metadata.name}`);
        continue;
      }
      if (job.spec.suspend && !job.spec.shutdownAfterJobFinishes && s.jobDeploymentStatus !== "ValidationFailed") {
        Object.assign(s, { jobDeploymentStatus: "ValidationFailed", reason: "ValidationFailed", message: "The RayJob spec is invalid: a RayJob with shutdownAfterJobFinishes set to false is not allowed to be suspended" });
        continue;
      }
      switch (s.jobDeploymentStatus ?? "") {
        case "": {
          const name = job.metadata.name;
          if (name.length > 47 || !/^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(name)) {
            Object.assign(s, { jobDeploymentStatus: "ValidationFailed", reason: "ValidationFailed", message: "The RayJob metadata is invalid: RayJob name should be no more than 47 characters" });
            break;
          }
          job.metadata.finalizers = ["ray.io/rayjob-finalizer"];
          Object.assign(s, { jobDeploymentStatus: "Initializing", jobId: job.spec.jobId || `${name}-${Math.random().toString(36).slice(2, 7)}`, rayClusterName: `${name}-${Math.random().toString(36).slice(2, 7)}`, startTime: new Date().toISOString() });
          break;
        }
        case "Initializing":
          if (job.spec.suspend) { Object.assign(s, { jobDeploymentStatus: "Suspended" }); break; }
          if (now - created < (this.opts.clusterStartMs ?? 100)) break;
          {
            const runtimeEnv = job.spec.runtimeEnvYAML ? parseYaml(job.spec.runtimeEnvYAML) : undefined;
            const body: Record<string, unknown> = { entrypoint: job.spec.entrypoint, submission_id: s.jobId, metadata: job.spec.metadata ?? {} };
            if (runtimeEnv) body.runtime_env = runtimeEnv;
            // As KubeRay's ConvertRayJobToReq: CPUs, GPUs and resources (a JSON string) pass through; no memory.
            if (job.spec.entrypointNumCpus) body.entrypoint_num_cpus = job.spec.entrypointNumCpus;
            if (job.spec.entrypointNumGpus) body.entrypoint_num_gpus = job.spec.entrypointNumGpus;
            if (typeof job.spec.entrypointResources === "string") body.entrypoint_resources = JSON.parse(job.spec.entrypointResources);
            const out = this.ray.submit(body);
            if (out.status !== 200 && !out.text.includes("Please use a different submission_id")) {
              Object.assign(s, { jobDeploymentStatus: "Failed", reason: "SubmissionFailed", message: out.text.split("\n").pop(), endTime: new Date().toISOString() });
              break;
            }
            Object.assign(s, { jobDeploymentStatus: "Running", jobStatus: "PENDING" });
          }
          break;
        case "Running": {
          const rj = this.ray.jobs.get(String(s.jobId));
          if (job.spec.suspend) {
            this.ray.stop(String(s.jobId));
            s.jobDeploymentStatus = "Suspending";
            break;
          }
          if (!rj) { Object.assign(s, { jobDeploymentStatus: "Failed", reason: "JobStatusCheckTimeoutExceeded", message: "the Ray job disappeared" }); break; }
          s.jobStatus = rj.status;
          if (TERMINAL.includes(rj.status)) {
            // A STOPPED Ray job ends Complete, as KubeRay does; only FAILED is Failed.
            Object.assign(s, rj.status === "FAILED"
              ? { jobDeploymentStatus: "Failed", reason: "AppFailed", message: rj.message, endTime: new Date().toISOString() }
              : { jobDeploymentStatus: "Complete", endTime: new Date().toISOString() });
          }
          break;
        }
        case "Suspending": {
          const rj = this.ray.jobs.get(String(s.jobId));
          if (!rj || TERMINAL.includes(rj.status)) Object.assign(s, { jobDeploymentStatus: "Suspended", jobStatus: rj?.status ?? "STOPPED" });
          break;
        }
      }
    }
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<unknown> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const json = (status: number, body: unknown): unknown => res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
    const failure = (code: number, reason: string, message: string) => json(code, { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason, code });
    if (this.opts.token && req.headers.authorization !== `Bearer ${this.opts.token}`) return failure(401, "Unauthorized", "Unauthorized");
    const url = new URL(req.url ?? "/", "http://x");
    const proxy = /^\/api\/v1\/namespaces\/([^/]+)\/services\/([^/]+)\/proxy(\/.*)$/.exec(url.pathname);
    if (proxy) return this.proxy(decodeURIComponent(proxy[2]), proxy[3], res);
    const m = /^\/apis\/ray\.io\/v1\/namespaces\/([^/]+)\/rayjobs(?:\/([^/]+))?$/.exec(url.pathname);
    if (!m) return res.writeHead(404, { "content-type": "text/plain" }).end("404 page not found");
    const [, ns, name] = m;
    const key = (n: string) => `${ns}/${n}`;
    const body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString()) : undefined;
    if (!name && req.method === "GET") {
      const selector = url.searchParams.get("labelSelector");
      const [lk, lv] = selector ? selector.split("=") : [];
      const items = [...this.rayJobs.values()].filter((j) => j.metadata.namespace === ns && (!lk || j.metadata.labels?.[lk] === lv));
      return json(200, { apiVersion: "ray.io/v1", kind: "RayJobList", metadata: { resourceVersion: String(this.version) }, items });
    }
    if (!name && req.method === "POST") {
      const n = body?.metadata?.name as string | undefined;
      if (!n || !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(n) || n.length > 253) return failure(422, "Invalid", `RayJob.ray.io "${n}" is invalid: metadata.name: Invalid value`);
      if (body.apiVersion !== "ray.io/v1" || body.kind !== "RayJob") return failure(400, "BadRequest", "the API version in the data (…) does not match the expected API version (ray.io/v1)");
      if (this.rayJobs.has(key(n))) return failure(409, "AlreadyExists", `rayjobs.ray.io "${n}" already exists`);
      this.creates++;
      const job: RayJob = { ...body, metadata: { ...body.metadata, namespace: ns, uid: crypto.randomUUID(), creationTimestamp: new Date().toISOString(), resourceVersion: String(++this.version) } };
      delete job.status; // status belongs to the operator
      this.rayJobs.set(key(n), job);
      return json(201, job);
    }
    const job = name ? this.rayJobs.get(key(name)) : undefined;
    if (!job) return failure(404, "NotFound", `rayjobs.ray.io "${name}" not found`);
    if (req.method === "GET") return json(200, job);
    if (req.method === "PATCH") {
      if (!String(req.headers["content-type"]).startsWith("application/merge-patch+json")) return failure(415, "UnsupportedMediaType", "the body of the request was in an unknown format");
      Object.assign(job.spec, body?.spec ?? {});
      job.metadata.resourceVersion = String(++this.version);
      return json(200, job);
    }
    if (req.method === "DELETE") {
      // With the operator's finalizer the object stays, marked, until the operator lets it go.
      if (job.metadata.finalizers?.length) {
        job.metadata.deletionTimestamp ??= new Date().toISOString();
        return json(200, job);
      }
      this.rayJobs.delete(key(name!));
      return json(200, { kind: "Status", apiVersion: "v1", status: "Success", details: { name, group: "ray.io", kind: "rayjobs" } });
    }
    return failure(405, "MethodNotAllowed", "method not allowed");
  }

  private proxy(service: string, path: string, res: http.ServerResponse): void {
    const cluster = /^(.*)-head-svc:8265$/.exec(service)?.[1];
    const job = [...this.rayJobs.values()].find((j) => j.status?.rayClusterName === cluster);
    if (!job || job.status?.jobDeploymentStatus === "Suspended") {
      res.writeHead(503, { "content-type": "application/json" }).end(JSON.stringify({ kind: "Status", status: "Failure", message: `no endpoints available for service "${service}"`, reason: "ServiceUnavailable", code: 503 }));
      return;
    }
    const logs = /^\/api\/jobs\/([^/]+)\/logs$/.exec(path);
    const rj = logs ? this.ray.jobs.get(decodeURIComponent(logs[1])) : undefined;
    if (!rj) return void res.writeHead(404, { "content-type": "text/plain" }).end(`Job ${logs?.[1] ?? ""} does not exist`);
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ logs: rj.logs }));
  }
}
