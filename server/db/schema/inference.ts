import { sql } from "drizzle-orm";
import { bigserial, check, doublePrecision, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { clusters } from "./clusters";
import { lifecycleColumns } from "./lifecycle-columns";
import { modelVersions } from "./registry";
import { runs } from "./tracking";
import { organizations, users } from "./tenancy";

/**
 * An inference service: a model behind the gateway (`/api/v1/services/{name}/v1/…`), served by
 * replicas on a backend. A lifecycle (server/inference/service-lifecycle.ts) the runner drives:
 * it health-checks the replicas and reads their load.
 */
export const inferenceServices = pgTable("inference_services", {
  id: uuid("id").primaryKey().defaultRandom(),
  orgId: uuid("org_id").notNull().references(() => organizations.id, { onDelete: "cascade" }),
  seq: bigserial("seq", { mode: "number" }).notNull(),
  name: text("name").notNull(),
  ...lifecycleColumns(),
  /**
   * vllm: endpoints someone else runs (vLLM or any server speaking its API); process: Anvil runs
   * the model's server on this machine; kubernetes: a vLLM Deployment and Service per variant.
   */
  backend: text("backend").$type<"vllm" | "process" | "kubernetes">().notNull(),
  /** kubernetes: the registered Kubernetes cluster (its API server, namespace and credentials). */
  clusterId: uuid("cluster_id").references(() => clusters.id, { onDelete: "restrict" }),
  /** openai: /v1/chat/completions, /v1/completions, /v1/models; oip: KServe v2 /v2/models/{name}/infer. */
  protocol: text("protocol").$type<"openai" | "oip">().notNull().default("openai"),
  statusMessage: text("status_message"),
  /** What the service must hold (error rate, p95 latency and TTFT): rollouts and alerts judge by it. */
  slo: jsonb("slo").$type<ServiceSlo>(),
  /** Sticky assignment: the same key (a header's or a body field's value) always gets the same variant. */
  sticky: jsonb("sticky").$type<StickyKey>(),
  autoscaling: jsonb("autoscaling").$type<AutoscalingPolicy>(),
  /** Alerts are also POSTed here (JSON), when set. */
  alertWebhook: text("alert_webhook"),
  /** The A/B test: the metric it decides on, the smallest effect worth finding, and whether a significant winner is promoted by itself. */
  experiment: jsonb("experiment").$type<Experiment>(),
  /** Drift is measured against requests in this window (default: each variant's first sampled requests). */
  driftReference: jsonb("drift_reference").$type<{ from: string; to: string }>(),
  createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
}, (t) => [
  uniqueIndex("inference_services_name_idx").on(t.orgId, t.name),
  index("inference_services_due_idx").on(t.nextCheckAt).where(sql`next_check_at is not null`),
]);

/** Thresholds a service must hold; a rollout's analysis and the SLO alerts read them. */
export interface ServiceSlo { maxErrorRate?: number; maxP95LatencyMs?: number; maxP95TtftMs?: number }

export interface Experiment {
  metric: "success" | "latency" | "ttft" | "thumbs" | "score"; minimumEffect: number; alpha: number; power: number; autoPromote: boolean; startedAt: string;
  /** Set when a winner was promoted (by hand or by itself): the test is over. */
  outcome?: { variant: string; at: string; by: string; reason: string; /** The baseline stayed: no variant won. */ kept?: boolean };
}

export interface StickyKey { from: "header" | "field"; name: string }

/**
 * Replicas follow one signal of the replicas' load (per replica, averaged), as the HPA does:
 * desired = ceil(current × value / target), held within [min, max]; a scale-down waits until
 * every recommendation of its window agrees (stabilisation), a scale-up waits its own window.
 */
export interface AutoscalingPolicy {
  minReplicas: number; maxReplicas: number;
  metric: "concurrency" | "queue" | "kv_cache" | "ttft";
  target: number;
  scaleUpWindowSeconds: number; scaleDownWindowSeconds: number;
}

/** A kubernetes variant's Deployment: the vLLM image, the model it loads (`--model`), GPUs per replica, extra arguments. */
export interface KubeVariantSpec { image: string; model: string; gpus: number; args: string[] }

/**
 * A variant: one model behind the service, with its share of the traffic (weight / sum of
 * weights) and its own replicas. A service has at least one; A/B tests and canaries add more.
 */
export const serviceVariants = pgTable("service_variants", {
  id: uuid("id").primaryKey().defaultRandom(),
  orgId: uuid("org_id").notNull().references(() => organizations.id, { onDelete: "cascade" }),
  serviceId: uuid("service_id").notNull().references(() => inferenceServices.id, { onDelete: "cascade" }),
  name: text("name").notNull(),
  weight: integer("weight").notNull().default(100),
  /** The model name the upstream serves (what `model` is rewritten to). */
  servedModel: text("served_model").notNull(),
  modelVersionId: uuid("model_version_id").references(() => modelVersions.id, { onDelete: "set null" }),
  /** The bearer token the upstream takes (vLLM --api-key), sealed. */
  upstreamKey: text("upstream_key"),
  /** How many replicas Anvil runs (process and kubernetes backends). */
  replicas: integer("replicas").notNull().default(1),
  /** kubernetes: what the Deployment runs. */
  spec: jsonb("spec").$type<KubeVariantSpec>(),
  /** Above 0, a shadow: it gets this percentage of requests copied to it, its answers discarded, its metrics kept. */
  shadowPercent: integer("shadow_percent").notNull().default(0),
  /** Autoscaling's recent recommendations (the stabilisation windows read them). */
  recommendations: jsonb("recommendations").$type<Array<{ at: number; replicas: number }>>().notNull().default([]),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
}, (t) => [uniqueIndex("service_variants_name_idx").on(t.serviceId, t.name), check("service_variants_weight", sql`weight >= 0`), check("service_variants_shadow", sql`shadow_percent between 0 and 100`)]);

/** A replica: where requests go, its health and the load it reported (vLLM's /metrics). */
export const serviceReplicas = pgTable("service_replicas", {
  id: uuid("id").primaryKey().defaultRandom(),
  orgId: uuid("org_id").notNull().references(() => organizations.id, { onDelete: "cascade" }),
  serviceId: uuid("service_id").notNull().references(() => inferenceServices.id, { onDelete: "cascade" }),
  variantId: uuid("variant_id").notNull().references(() => serviceVariants.id, { onDelete: "cascade" }),
  url: text("url").notNull(),
  /** A `process` replica: the run that serves it (a new run when one ends), and how many there were before. */
  runId: uuid("run_id").references(() => runs.id, { onDelete: "set null" }),
  restarts: integer("restarts").notNull().default(0),
  state: text("state").$type<"starting" | "ready" | "unhealthy">().notNull().default("starting"),
  lastError: text("last_error"),
  checkedAt: timestamp("checked_at", { withTimezone: true }),
  /** From /metrics when it has vLLM's: queue depth and KV-cache use (0–1). */
  waiting: integer("waiting"),
  kvCacheUsage: doublePrecision("kv_cache_usage"),
  running: integer("running"),
}, (t) => [uniqueIndex("service_replicas_url_idx").on(t.serviceId, t.url), check("service_replicas_state", sql`state in ('starting', 'ready', 'unhealthy')`)]);

/**
 * Per service, variant and minute: what the gateway saw (latency and TTFT as histogram bucket
 * counts). The variant by name, so its history outlives it.
 */
export const serviceStats = pgTable("service_stats", {
  serviceId: uuid("service_id").notNull().references(() => inferenceServices.id, { onDelete: "cascade" }),
  variant: text("variant").notNull(),
  minute: timestamp("minute", { withTimezone: true }).notNull(),
  orgId: uuid("org_id").notNull().references(() => organizations.id, { onDelete: "cascade" }),
  requests: integer("requests").notNull().default(0),
  errors: integer("errors").notNull().default(0),
  promptTokens: integer("prompt_tokens").notNull().default(0),
  completionTokens: integer("completion_tokens").notNull().default(0),
  latency: jsonb("latency").$type<number[]>().notNull(),
  ttft: jsonb("ttft").$type<number[]>().notNull(),
  /** Sums and sums of squares (ms), for means and variances (Welch's test). */
  latencySum: doublePrecision("latency_sum").notNull().default(0),
  latencySumSq: doublePrecision("latency_sum_sq").notNull().default(0),
  ttftSum: doublePrecision("ttft_sum").notNull().default(0),
  ttftSumSq: doublePrecision("ttft_sum_sq").notNull().default(0),
}, (t) => [primaryKey({ columns: [t.serviceId, t.variant, t.minute] })]);

/** A sample of requests through the gateway (the first 20 of each minute per service). */
export const serviceRequests = pgTable("service_requests", {
  id: bigserial("id", { mode: "number" }).primaryKey(),
  orgId: uuid("org_id").notNull().references(() => organizations.id, { onDelete: "cascade" }),
  serviceId: uuid("service_id").notNull().references(() => inferenceServices.id, { onDelete: "cascade" }),
  at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
  variant: text("variant"),
  path: text("path").notNull(),
  status: integer("status").notNull(),
  replica: text("replica"),
  stream: text("stream").$type<"yes" | "no">().notNull(),
  latencyMs: doublePrecision("latency_ms").notNull(),
  ttftMs: doublePrecision("ttft_ms"),
  promptTokens: integer("prompt_tokens"),
  completionTokens: integer("completion_tokens"),
  error: text("error"),
  attempts: integer("attempts").notNull().default(1),
}, (t) => [index("service_requests_service_idx").on(t.serviceId, t.at)]);
