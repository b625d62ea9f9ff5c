import { sql } from "drizzle-orm";
import { bigint, bigserial, boolean, doublePrecision, index, integer, jsonb, pgEnum, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { clusters } from "./clusters";
import { lifecycleColumns } from "./lifecycle-columns";
import { organizations, users } from "./tenancy";

/** Whether the current attempt reached its executor (intent before effect). */
/** ORPHANED: the run was cancelled but its job would not stop; the runner keeps asking until it does. */
export type RemoteState = "NONE" | "SUBMITTED" | "LOST" | "ORPHANED" | "STOPPED";

export const runTypeEnum = pgEnum("run_type", ["training", "evaluation", "optimization", "simulation", "inference"]);
export { desiredStateEnum } from "./lifecycle-columns";

export const projects = pgTable("projects", {
  id: uuid("id").primaryKey().defaultRandom(),
  orgId: uuid("org_id").notNull().references(() => organizations.id, { onDelete: "cascade" }),
  slug: text("slug").notNull(),
  name: text("name").notNull(),
  description: text("description").notNull().default(""),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
}, (t) => [uniqueIndex("projects_org_slug_idx").on(t.orgId, t.slug)]);

export const experiments = pgTable("experiments", {
  id: uuid("id").primaryKey().defaultRandom(),
  orgId: uuid("org_id").notNull().references(() => organizations.id, { onDelete: "cascade" }),
  projectId: uuid("project_id").notNull().references(() => projects.id, { onDelete: "cascade" }),
  name: text("name").notNull(),
  description: text("description").notNull().default(""),
  tags: jsonb("tags").$type<Record<string, string>>().notNull().default({}),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  /** Soft delete: hidden, restorable until purged with its runs (retention). */
  deletedAt: timestamp("deleted_at", { withTimezone: true }),
}, (t) => [uniqueIndex("experiments_project_name_idx").on(t.projectId, t.name)]);

export const runs = pgTable("runs", {
  id: uuid("id").primaryKey().defaultRandom(),
  orgId: uuid("org_id").notNull().references(() => organizations.id, { onDelete: "cascade" }),
  projectId: uuid("project_id").notNull().references(() => projects.id, { onDelete: "cascade" }),
  experimentId: uuid("experiment_id").notNull().references(() => experiments.id, { onDelete: "cascade" }),
  /** Insertion order; a stable tiebreak where timestamps collide. */
  seq: bigserial("seq", { mode: "number" }).notNull(),
  name: text("name").notNull(),
  type: runTypeEnum("type").notNull().default("training"),
  /** Status (server/runner/run-lifecycle.ts), desired state, version, lease, next check. */
  ...lifecycleColumns(),
  /** "local" | "ray" | … ; "none" for runs logged from outside (SDKs, MLflow clients). */
  executor: text("executor").notNull().default("local"),
  /** The sweep this run is a trial of (no FK: sweeps reference projects, declared after runs). */
  sweepId: uuid("sweep_id"),
  /** The registered cluster the run is submitted to (executor "ray" or "kuberay"). */
  clusterId: uuid("cluster_id").references(() => clusters.id, { onDelete: "set null" }),
  /** GPU jobs wait in a queue for admission (server/scheduling); no FK: queues are declared later. */
  queueId: uuid("queue_id"),
  priority: integer("priority").notNull().default(0),
  /** GPUs the job asks for in all (driver and workers): what admission counts. */
  gpus: integer("gpus").notNull().default(0),
  /** While queued: its place in its queue and why it waits, from the last admission pass. */
  queuePosition: integer("queue_position"),
  pendingReason: text("pending_reason"),
  /** The run that preempted this one last, and how often it was preempted (not counted as retries). */
  preemptedBy: uuid("preempted_by"),
  preemptions: integer("preemptions").notNull().default(0),
  executorSpec: jsonb("executor_spec").$type<Record<string, unknown>>().notNull().default({}),
  resources: jsonb("resources").$type<Record<string, unknown>>().notNull().default({}),
  template: text("template"),
  /** Deterministic `<install>-<run>-<attempt>`, written before the executor is called. */
  remoteId: text("remote_id"),
  attempt: integer("attempt").notNull().default(1),
  /** Whether the current attempt reached its executor: NONE (intent only), SUBMITTED, LOST. */
  remoteState: text("remote_state").$type<RemoteState>().notNull().default("NONE"),
  /** Where the current attempt can be observed from (`local:<executor instance>`); null = any runner. */
  placement: text("placement"),
  /** Attempts after the first, for jobs lost by their executor (and failed ones, when asked). */
  maxRetries: integer("max_retries").notNull().default(2),
  retryOnFailure: boolean("retry_on_failure").notNull().default(false),
  logCursor: text("log_cursor").notNull().default(""),
  exitCode: integer("exit_code"),
  exitSignal: text("exit_signal"),
  /** Who asked for the stop (a user's email, an API key's name). */
  cancelledBy: text("cancelled_by"),
  /** When the stop was asked for: a job that will not stop by the deadline is left ORPHANED. */
  cancelRequestedAt: timestamp("cancel_requested_at", { withTimezone: true }),
  statusMessage: text("status_message"),
  createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  startedAt: timestamp("started_at", { withTimezone: true }),
  finishedAt: timestamp("finished_at", { withTimezone: true }),
  /** Last sign of life from a client logging from outside (external runs). */
  heartbeatAt: timestamp("heartbeat_at", { withTimezone: true }),
  /** Soft delete: hidden, restorable until purged (retention). */
  deletedAt: timestamp("deleted_at", { withTimezone: true }),
}, (t) => [
  index("runs_org_created_idx").on(t.orgId, t.createdAt),
  index("runs_experiment_idx").on(t.experimentId),
  index("runs_due_idx").on(t.nextCheckAt).where(sql`next_check_at is not null`),
  index("runs_cluster_idx").on(t.clusterId).where(sql`cluster_id is not null`),
  index("runs_sweep_idx").on(t.sweepId).where(sql`sweep_id is not null`),
  index("runs_queued_idx").on(t.queueId).where(sql`queue_id is not null and status = 'QUEUED'`),
  index("runs_orphaned_idx").on(t.nextCheckAt).where(sql`remote_state = 'ORPHANED'`),
]);

export const runParams = pgTable("run_params", {
  runId: uuid("run_id").notNull().references(() => runs.id, { onDelete: "cascade" }),
  orgId: uuid("org_id").notNull().references(() => organizations.id, { onDelete: "cascade" }),
  key: text("key").notNull(),
  value: text("value").notNull(),
}, (t) => [primaryKey({ columns: [t.runId, t.key] })]);

export const runTags = pgTable("run_tags", {
  runId: uuid("run_id").notNull().references(() => runs.id, { onDelete: "cascade" }),
  orgId: uuid("org_id").notNull().references(() => organizations.id, { onDelete: "cascade" }),
  key: text("key").notNull(),
  value: text("value").notNull(),
}, (t) => [primaryKey({ columns: [t.runId, t.key] })]);

/**
 * Every point as logged. Keyed like MLflow's metric table (run, key, timestamp, step, value) plus
 * the attempt, so an MLflow client logging step 0 many times keeps every point while a replayed
 * batch inserts nothing. No foreign key and no second index: ingestion speed is this table's
 * cost, and run deletion removes its rows itself (server/tracking/retention.ts).
 */
export const metrics = pgTable("metrics", {
  runId: uuid("run_id").notNull(),
  orgId: uuid("org_id").notNull(),
  attempt: integer("attempt").notNull(),
  key: text("key").notNull(),
  step: bigint("step", { mode: "number" }).notNull(),
  ts: timestamp("ts", { withTimezone: true, mode: "date" }).notNull(),
  value: doublePrecision("value").notNull(),
}, (t) => [primaryKey({ columns: [t.runId, t.attempt, t.key, t.step, t.ts, t.value] })]);

/**
 * Min/max/last per tile of 8^level steps (level 1…7), filled at ingestion from the rows actually
 * inserted, so a chart reads O(buckets) rows whatever the series' length.
 * min/max cover finite values only (null when a tile holds none).
 */
export const metricRollups = pgTable("metric_rollups", {
  runId: uuid("run_id").notNull(),
  orgId: uuid("org_id").notNull(),
  attempt: integer("attempt").notNull(),
  key: text("key").notNull(),
  level: integer("level").notNull(),
  tile: bigint("tile", { mode: "number" }).notNull(),
  n: integer("n").notNull(),
  vmin: doublePrecision("vmin"),
  vmax: doublePrecision("vmax"),
  lastStep: bigint("last_step", { mode: "number" }).notNull(),
  lastTs: timestamp("last_ts", { withTimezone: true, mode: "date" }).notNull(),
  lastValue: doublePrecision("last_value").notNull(),
}, (t) => [primaryKey({ columns: [t.runId, t.attempt, t.key, t.level, t.tile] })]);

/**
 * Per run and key: last (by step, then time, then value, as MLflow's latest_metrics), min, max
 * and count of the run's current attempt — what tables, search and sorting read. `seq` orders
 * updates for the live stream (drawn under the run's ingestion lock).
 */
export const runMetricSummaries = pgTable("run_metric_summaries", {
  runId: uuid("run_id").notNull(),
  orgId: uuid("org_id").notNull(),
  key: text("key").notNull(),
  attempt: integer("attempt").notNull(),
  n: bigint("n", { mode: "number" }).notNull(),
  firstStep: bigint("first_step", { mode: "number" }).notNull(),
  lastStep: bigint("last_step", { mode: "number" }).notNull(),
  firstTs: timestamp("first_ts", { withTimezone: true, mode: "date" }).notNull(),
  lastTs: timestamp("last_ts", { withTimezone: true, mode: "date" }).notNull(),
  lastValue: doublePrecision("last_value").notNull(),
  vmin: doublePrecision("vmin"),
  vmax: doublePrecision("vmax"),
  seq: bigint("seq", { mode: "number" }).notNull(),
}, (t) => [primaryKey({ columns: [t.runId, t.key] }), index("run_metric_summaries_org_key_idx").on(t.orgId, t.key, t.lastValue)]);

export const runLogs = pgTable("run_logs", {
  id: bigserial("id", { mode: "number" }).primaryKey(),
  runId: uuid("run_id").notNull().references(() => runs.id, { onDelete: "cascade" }),
  orgId: uuid("org_id").notNull(),
  attempt: integer("attempt").notNull(),
  text: text("text").notNull(),
  at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
}, (t) => [index("run_logs_run_idx").on(t.runId, t.id)]);

export const artifacts = pgTable("artifacts", {
  id: uuid("id").primaryKey().defaultRandom(),
  runId: uuid("run_id").notNull().references(() => runs.id, { onDelete: "cascade" }),
  orgId: uuid("org_id").notNull(),
  path: text("path").notNull(),
  size: bigint("size", { mode: "number" }).notNull(),
  sha256: text("sha256").notNull(),
  contentType: text("content_type").notNull(),
  storageKey: text("storage_key").notNull(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
}, (t) => [uniqueIndex("artifacts_run_path_idx").on(t.runId, t.path)]);

/** Short-lived credentials injected into one attempt of one run. */
export const runTokens = pgTable("run_tokens", {
  tokenHash: text("token_hash").primaryKey(),
  runId: uuid("run_id").notNull().references(() => runs.id, { onDelete: "cascade" }),
  orgId: uuid("org_id").notNull(),
  attempt: integer("attempt").notNull(),
  expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
}, (t) => [index("run_tokens_run_idx").on(t.runId)]);
