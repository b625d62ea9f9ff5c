import { z } from "zod";
import { modelNameSchema } from "@/server/registry/model-input";

/** Service names are in the gateway's URL: lower-case letters, digits and dashes. */
export const serviceNameSchema = z.string().trim().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "Service names use lower-case letters, digits and - (at most 63), starting with a letter or digit");
/** Variant names go into Kubernetes object names too: the same rule, shorter. */
export const variantNameSchema = z.string().trim().regex(/^[a-z0-9][a-z0-9-]{0,30}$/, "Variant names use lower-case letters, digits and - (at most 31), starting with a letter or digit");

const endpoint = z.string().trim().max(500).url("Each endpoint is a base URL such as http://10.0.0.5:8000").regex(/^https?:\/\//, "http:// or https://")
  .transform((u) => u.replace(/\/+$/, "").replace(/\/v1$/, ""));
const endpoints = z.array(endpoint).max(16).refine((e) => new Set(e).size === e.length, "Each endpoint once");
const weight = z.number().int().min(0, "Weights are 0 or more").max(10_000);
const replicas = z.number().int().min(0).max(8);

/** What a service must hold; rollouts judge candidates by it and SLO alerts watch it. */
export const sloSchema = z.object({
  maxErrorRate: z.number().min(0).max(1).optional(),
  maxP95LatencyMs: z.number().positive().max(600_000).optional(),
  maxP95TtftMs: z.number().positive().max(600_000).optional(),
}).strict();

/** Replicas follow a load signal of vLLM's (per replica), within bounds, with stabilisation windows as the HPA has. */
export const autoscalingSchema = z.object({
  minReplicas: z.number().int().min(1).max(8).default(1),
  maxReplicas: z.number().int().min(1).max(8),
  metric: z.enum(["concurrency", "queue", "kv_cache", "ttft"]),
  /** concurrency and queue: requests per replica; kv_cache: a fraction 0–1; ttft: p95 milliseconds. */
  target: z.number().positive().max(600_000),
  scaleUpWindowSeconds: z.number().int().min(0).max(3600).default(0),
  scaleDownWindowSeconds: z.number().int().min(0).max(3600).default(300),
}).strict().refine((p) => p.minReplicas <= p.maxReplicas, { message: "minReplicas is at most maxReplicas", path: ["minReplicas"] })
  .refine((p) => p.metric !== "kv_cache" || p.target <= 1, { message: "KV-cache usage is a fraction: 0.8 means 80 %", path: ["target"] });

/** The vLLM image a kubernetes variant runs unless told otherwise. */
export const DEFAULT_VLLM_IMAGE = "vllm/vllm-openai:v0.10.2";

/** One model behind a service: what serves it (by backend) and its share of the traffic. */
export const variantSchema = z.object({
  name: variantNameSchema.default("primary"),
  weight: weight.default(100),
  /** The model name the upstream serves (vLLM's --served-model-name); defaults to the service's name where Anvil runs it. */
  servedModel: z.string().trim().min(1).max(200).optional(),
  /** vllm: the replicas' base URLs. */
  endpoints: endpoints.default([]),
  /** process and kubernetes: how many replicas Anvil runs. */
  replicas: replicas.default(1),
  upstreamKey: z.string().max(500).optional(),
  /** The registered version it serves (process: required, it is what runs). */
  model: z.object({ name: modelNameSchema, version: z.number().int().min(1) }).optional(),
  /** kubernetes: what vLLM loads (a Hugging Face id or a path), the image, GPUs per replica, extra arguments. */
  source: z.string().trim().min(1).max(300).optional(),
  image: z.string().trim().min(1).max(300).regex(/^[a-z0-9][a-z0-9._\-/:@]*$/i, "An image reference such as vllm/vllm-openai:v0.10.2").optional(),
  gpus: z.number().int().min(0).max(16).default(1),
  args: z.array(z.string().max(200)).max(32).default([]),
  /** Above 0: a shadow, sent this percentage of requests as copies; it takes no live traffic (weight 0). */
  shadowPercent: z.number().int().min(0).max(100).default(0),
});
export type VariantInput = z.infer<typeof variantSchema>;

export type Backend = "vllm" | "process" | "kubernetes";

/** What each backend needs of a variant, as messages on the field at fault. */
export function checkVariant(backend: Backend, v: VariantInput, ctx: z.RefinementCtx, at: (string | number)[]) {
  const issue = (path: string, message: string) => ctx.addIssue({ code: "custom", message, path: [...at, path] });
  if (backend === "vllm") {
    if (v.endpoints.length === 0) issue("endpoints", "Give at least one endpoint");
    if (!v.servedModel) issue("servedModel", "Name the model the endpoints serve");
  }
  if (backend === "process" && !v.model) issue("model", "Choose the registered version Anvil should serve");
  if (backend === "kubernetes" && !v.source) issue("source", "Say what vLLM should load: a Hugging Face model id or a path");
  if (backend !== "vllm" && v.endpoints.length > 0) issue("endpoints", "Anvil runs this backend's replicas: give their number, not endpoints");
  if (v.shadowPercent > 0 && v.weight > 0) issue("weight", "A shadow takes no live traffic: give it weight 0");
}

const serviceFields = z.object({
  name: serviceNameSchema,
  /** vllm: endpoints you run; process: Anvil runs the registered version's example server; kubernetes: a vLLM Deployment per variant. */
  backend: z.enum(["vllm", "process", "kubernetes"]).default("vllm"),
  protocol: z.enum(["openai", "oip"]).default("openai"),
  /** kubernetes: the registered Kubernetes cluster, by name or id. */
  cluster: z.string().trim().min(1).max(100).optional(),
  /** Several variants (A/B, canary); without it the variant fields below make the one variant, "primary". */
  variants: z.array(variantSchema).min(1).max(8).optional(),
});

export const createServiceSchema = serviceFields.extend(variantSchema.omit({ name: true, weight: true }).shape).superRefine((s, ctx) => {
  if (s.backend === "kubernetes" && !s.cluster) ctx.addIssue({ code: "custom", message: "Choose the Kubernetes cluster", path: ["cluster"] });
  if (s.variants) {
    if (new Set(s.variants.map((v) => v.name)).size !== s.variants.length) ctx.addIssue({ code: "custom", message: "Each variant name once", path: ["variants"] });
    if (s.variants.every((v) => v.weight === 0)) ctx.addIssue({ code: "custom", message: "At least one variant needs a weight above 0", path: ["variants"] });
    s.variants.forEach((v, i) => checkVariant(s.backend, v, ctx, ["variants", i]));
  } else checkVariant(s.backend, { ...s, name: "primary", weight: 100 }, ctx, []);
}).transform(({ name, backend, protocol, cluster, variants, ...one }) => ({ name, backend, protocol, cluster, variants: variants ?? [{ ...one, name: "primary", weight: 100 }] }));
export type CreateServiceInput = z.infer<typeof createServiceSchema>;

/** A variant's changes. The replicas of a vllm variant are its endpoints. */
export const updateVariantSchema = z.object({
  weight: weight.optional(),
  shadowPercent: z.number().int().min(0).max(100).optional(),
  replicas: replicas.optional(),
  endpoints: endpoints.refine((e) => e.length > 0, "Give at least one endpoint").optional(),
  upstreamKey: z.string().max(500).nullable().optional(),
});

/**
 * A service's changes: the traffic split at once (`weights`, by variant name), or, for a
 * service with one variant, that variant's fields directly.
 */
export const updateServiceSchema = updateVariantSchema.extend({
  weights: z.record(variantNameSchema, weight).optional(),
  slo: sloSchema.nullable().optional(),
  sticky: z.object({ from: z.enum(["header", "field"]), name: z.string().trim().regex(/^[A-Za-z0-9_-]{1,64}$/, "A header or field name: letters, digits, _ and -") }).strict().nullable().optional(),
  autoscaling: autoscalingSchema.nullable().optional(),
  alertWebhook: z.string().trim().max(500).url("A URL such as https://hooks.example.com/anvil").regex(/^https?:\/\//, "http:// or https://").nullable().optional(),
  driftReference: z.object({ from: z.string().datetime({ offset: true }), to: z.string().datetime({ offset: true }) }).strict()
    .refine((r) => Date.parse(r.from) < Date.parse(r.to), "The window ends after it starts").nullable().optional(),
});
/** What a service-level PATCH sets on the service itself (the rest goes to its variants). */
export const SERVICE_SETTINGS = ["slo", "sticky", "autoscaling", "alertWebhook", "driftReference"] as const;
