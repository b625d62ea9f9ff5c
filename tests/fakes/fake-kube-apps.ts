import http from "node:http";
import type { AddressInfo } from "node:net";
import { FakeVllm, type FakeVllmOptions } from "./fake-vllm";

/**
 * A Kubernetes API server for Deployments (apps/v1), Services, Secrets and Pods (v1), with a
 * deployment controller and kubelet beside it that run each pod as a FakeVllm. As the real API:
 * server-side apply (`PATCH` with `application/apply-patch+yaml` and a `fieldManager`, creating
 * what does not exist), Status objects for errors, 422 for a selector that does not match the
 * template's labels and for Service names that are not DNS-1035 labels, label selectors on lists.
 * Pods: Pending and unschedulable when the node lacks the GPUs asked; a missing Secret holds the
 * container in CreateContainerConfigError; ready after `readyAfterMs`; not ready while the server
 * fails `/health`. Each pod listens on its own loopback address (127.0.0.N); as one pod network
 * address cannot hold every pod's fixed port here, the container port in the pod's spec is the
 * port the fake bound (the one deviation: a real pod keeps the template's).
 */
export interface FakeKubeAppsOptions {
  token?: string; gpus?: number; readyAfterMs?: number;
  /** How each pod's fake vLLM answers (timings, concurrency). */
  vllm?: Partial<FakeVllmOptions>;
}

interface Obj { apiVersion: string; kind: string; metadata: { name: string; namespace: string; labels?: Record<string, string>; uid: string; resourceVersion: string; creationTimestamp: string; deletionTimestamp?: string }; spec?: Record<string, unknown>; stringData?: Record<string, string>; status?: Record<string, unknown> }
interface Container { name: string; image: string; args?: string[]; env?: Array<{ name: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }>; ports?: Array<{ name?: string; containerPort: number }>; resources?: { limits?: Record<string, string> } }
interface PodState { obj: Obj; server?: FakeVllm; started: number; deployment: string }

const DNS1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

export class FakeKubeApps {
  readonly store = { secrets: new Map<string, Obj>(), deployments: new Map<string, Obj>(), services: new Map<string, Obj>() };
  readonly pods = new Map<string, PodState>();
  applies = 0;
  private server?: http.Server;
  private timer?: NodeJS.Timeout;
  private version = 1;
  private nextIp = 2;
  private busy = false;

  constructor(readonly opts: FakeKubeAppsOptions = {}) {}

  get url(): string { return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`; }

  async listen(): Promise<this> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((r) => this.server!.listen(0, "127.0.0.1", r));
    this.timer = setInterval(() => void this.reconcile(), 50);
    return this;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await Promise.all([...this.pods.values()].map((p) => p.server?.close()));
    this.server?.closeAllConnections();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  /** The FakeVllm behind each running pod of a Deployment. */
  serversOf(deployment: string): FakeVllm[] {
    return [...this.pods.values()].filter((p) => p.deployment === deployment && p.server).map((p) => p.server!);
  }

  /** The deployment controller and the kubelet: pods to the replica count, started, ready, stopped. */
  private async reconcile(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      for (const [key, pod] of this.pods) {
        const d = this.store.deployments.get(`${pod.obj.metadata.namespace}/${pod.deployment}`);
        const mine = [...this.pods.entries()].filter(([, p]) => p.deployment === pod.deployment).map(([k]) => k);
        if (!d || mine.indexOf(key) >= Number(d.spec!.replicas ?? 1)) {
          await pod.server?.close();
          this.pods.delete(key);
        }
      }
      for (const d of this.store.deployments.values()) {
        const want = Number(d.spec!.replicas ?? 1);
        const have = [...this.pods.values()].filter((p) => p.deployment === d.metadata.name).length;
        for (let i = have; i < want; i++) this.createPod(d);
      }
      for (const pod of this.pods.values()) await this.kubelet(pod);
    } finally {
      this.busy = false;
    }
  }

  private createPod(d: Obj) {
    const template = (d.spec!.template as { metadata: { labels: Record<string, string> }; spec: { containers: Container[] } });
    const name = `${d.metadata.name}-${Math.random().toString(36).slice(2, 7)}`;
    const obj: Obj = {
      apiVersion: "v1", kind: "Pod", metadata: this.meta(name, d.metadata.namespace, template.metadata.labels),
      spec: structuredClone(template.spec) as unknown as Record<string, unknown>, status: { phase: "Pending", conditions: [] },
    };
    this.pods.set(`${d.metadata.namespace}/${name}`, { obj, started: Date.now(), deployment: d.metadata.name });
  }

  private async kubelet(pod: PodState) {
    const status = pod.obj.status as { phase: string; podIP?: string; conditions: unknown[]; containerStatuses?: unknown[] };
    const c = (pod.obj.spec!.containers as Container[])[0];
    const gpus = Number(c.resources?.limits?.["nvidia.com/gpu"] ?? 0);
    if (gpus > (this.opts.gpus ?? Infinity)) {
      status.conditions = [{ type: "PodScheduled", status: "False", reason: "Unschedulable", message: `0/1 nodes are available: 1 Insufficient nvidia.com/gpu.` }];
      return;
    }
    const ref = c.env?.find((e) => e.name === "VLLM_API_KEY")?.valueFrom?.secretKeyRef;
    const secret = ref ? this.store.secrets.get(`${pod.obj.metadata.namespace}/${ref.name}`) : undefined;
    if (ref && !secret) {
      status.containerStatuses = [{ name: c.name, ready: false, state: { waiting: { reason: "CreateContainerConfigError", message: `secret "${ref.name}" not found` } } }];
      return;
    }
    if (!pod.server) {
      const arg = (flag: string) => { const i = (c.args ?? []).indexOf(flag); return i >= 0 ? c.args![i + 1] : undefined; };
      pod.server = await new FakeVllm({ model: arg("--served-model-name") ?? arg("--model"), apiKey: ref ? secret!.stringData?.[ref.key] : undefined, host: `127.0.0.${this.nextIp++}`, ttftMs: 5, tokenMs: 1, tokens: 4, ...this.opts.vllm }).listen();
      const bound = new URL(pod.server.url);
      c.ports = (c.ports ?? []).map((p) => (p.name === "http" ? { ...p, containerPort: Number(bound.port) } : p));
      Object.assign(status, { phase: "Running", podIP: bound.hostname, conditions: [{ type: "PodScheduled", status: "True" }] });
    }
    const healthy = Date.now() - pod.started >= (this.opts.readyAfterMs ?? 0) && (await fetch(`${pod.server.url}/health`).then((r) => r.ok).catch(() => false));
    status.containerStatuses = [{ name: c.name, ready: healthy, state: { running: {} } }];
  }

  private meta(name: string, namespace: string, labels?: Record<string, string>) {
    return { name, namespace, labels, uid: crypto.randomUUID(), resourceVersion: String(++this.version), creationTimestamp: new Date().toISOString() };
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<unknown> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const json = (status: number, body: unknown): unknown => res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
    const failure = (code: number, reason: string, message: string) => json(code, { kind: "Status", apiVersion: "v1", metadata: {}, status: "Failure", message, reason, code });
    if (this.opts.token && req.headers.authorization !== `Bearer ${this.opts.token}`) return failure(401, "Unauthorized", "Unauthorized");
    const url = new URL(req.url ?? "/", "http://x");
    const m = /^\/(?:api\/v1|apis\/apps\/v1)\/namespaces\/([^/]+)\/(secrets|deployments|services|pods)(?:\/([^/]+))?$/.exec(url.pathname);
    const group = url.pathname.startsWith("/apis/apps/v1") ? "apps/v1" : "v1";
    if (!m || (m[2] === "deployments") !== (group === "apps/v1")) return res.writeHead(404, { "content-type": "text/plain" }).end("404 page not found");
    const [, ns, resource, name] = m;
    const selector = url.searchParams.get("labelSelector");
    const matches = (o: Obj) => !selector || selector.split(",").every((term) => { const [k, v] = term.split("="); return o.metadata.labels?.[k] === v; });
    if (resource === "pods") {
      if (req.method !== "GET" || name) return failure(405, "MethodNotAllowed", "the fake serves pod lists only");
      return json(200, { kind: "PodList", apiVersion: "v1", metadata: { resourceVersion: String(this.version) }, items: [...this.pods.values()].map((p) => p.obj).filter((o) => o.metadata.namespace === ns && matches(o)) });
    }
    const store = this.store[resource as "secrets" | "deployments" | "services"];
    const kind = { secrets: "Secret", deployments: "Deployment", services: "Service" }[resource as "secrets"];
    if (!name && req.method === "GET") return json(200, { kind: `${kind}List`, apiVersion: group, metadata: {}, items: [...store.values()].filter((o) => o.metadata.namespace === ns && matches(o)) });
    if (!name) return failure(405, "MethodNotAllowed", "method not allowed");
    const key = `${ns}/${name}`;
    if (req.method === "GET") return store.has(key) ? json(200, store.get(key)) : failure(404, "NotFound", `${resource} "${name}" not found`);
    if (req.method === "DELETE") {
      if (!store.delete(key)) return failure(404, "NotFound", `${resource} "${name}" not found`);
      return json(200, { kind: "Status", apiVersion: "v1", status: "Success", details: { name, kind: resource } });
    }
    if (req.method !== "PATCH") return failure(405, "MethodNotAllowed", "method not allowed");
    if (!String(req.headers["content-type"]).startsWith("application/apply-patch+yaml")) return failure(415, "UnsupportedMediaType", "the fake takes server-side apply only");
    if (!url.searchParams.get("fieldManager")) return failure(400, "BadRequest", "PATCH /apply requires fieldManager to be set");
    const body = JSON.parse(Buffer.concat(chunks).toString()) as Obj;
    if (body.apiVersion !== group || body.kind !== kind) return failure(400, "BadRequest", `the API version in the data (${body.apiVersion}) does not match the expected API version (${group})`);
    if (body.metadata?.name !== name) return failure(400, "BadRequest", `the name of the object (${body.metadata?.name}) does not match the name on the URL (${name})`);
    if (resource === "services" && (!DNS1035.test(name) || name.length > 63)) return failure(422, "Invalid", `Service "${name}" is invalid: metadata.name: Invalid value: "${name}": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character`);
    if (resource === "deployments") {
      const spec = body.spec as { selector?: { matchLabels?: Record<string, string> }; template?: { metadata?: { labels?: Record<string, string> } } };
      const labels = spec.template?.metadata?.labels ?? {};
      if (!spec.selector?.matchLabels || Object.entries(spec.selector.matchLabels).some(([k, v]) => labels[k] !== v)) return failure(422, "Invalid", `Deployment.apps "${name}" is invalid: spec.template.metadata.labels: Invalid value: selector does not match template labels`);
      const old = store.get(key);
      // A changed pod template rolls the pods (here: they are replaced at once).
      if (old && JSON.stringify(old.spec!.template) !== JSON.stringify(spec.template)) for (const [k, p] of this.pods) if (p.deployment === name) { await p.server?.close(); this.pods.delete(k); }
    }
    this.applies++;
    const existing = store.get(key);
    const obj: Obj = { ...body, metadata: { ...(existing?.metadata ?? this.meta(name, ns)), labels: body.metadata.labels, resourceVersion: String(++this.version) } };
    store.set(key, obj);
    return json(existing ? 200 : 201, obj);
  }
}
