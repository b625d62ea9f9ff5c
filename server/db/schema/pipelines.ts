import { sql } from "drizzle-orm";
import { bigserial, check, doublePrecision, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { datasets, datasetVersions } from "./datasets";
import { lifecycleColumns } from "./lifecycle-columns";
import { projects, runs } from "./tracking";
import { organizations, users } from "./tenancy";

/**
 * A continuous-learning task (the seed's MLTask): optimize data → train → evaluate, once
 * (STANDARD) or in a loop until `maxIterations` or `performanceThreshold` (CONTINUOUS). A
 * lifecycle (server/pipelines/task-lifecycle.ts) the runner drives phase by phase.
 */
export const pipelineTasks = pgTable("pipeline_tasks", {
  id: uuid("id").primaryKey().defaultRandom(),
  orgId: uuid("org_id").notNull().references(() => organizations.id, { onDelete: "cascade" }),
  projectId: uuid("project_id").notNull().references(() => projects.id, { onDelete: "cascade" }),
  seq: bigserial("seq", { mode: "number" }).notNull(),
  name: text("name").notNull(),
  mode: text("mode").$type<"STANDARD" | "CONTINUOUS">().notNull(),
  ...lifecycleColumns(),
  /** The phase a SUSPENDED task left, and resumes into; null in every other status. */
  suspendedFrom: text("suspended_from"),
  modelName: text("model_name").notNull(),
  datasetId: uuid("dataset_id").notNull().references(() => datasets.id, { onDelete: "restrict" }),
  /** The version the task started from, and the one the current iteration works on. */
  sourceVersionId: uuid("source_version_id").notNull().references(() => datasetVersions.id, { onDelete: "restrict" }),
  currentVersionId: uuid("current_version_id").references(() => datasetVersions.id, { onDelete: "set null" }),
  /** Held-out data: bad cases come from validation, the score from test (validation when unset). */
  validationVersionId: uuid("validation_version_id").references(() => datasetVersions.id, { onDelete: "restrict" }),
  testVersionId: uuid("test_version_id").references(() => datasetVersions.id, { onDelete: "restrict" }),
  hyperparameters: jsonb("hyperparameters").$type<Record<string, unknown>>().notNull().default({}),
  /**
   * Phases run by external HTTP services instead of built-in runs: a base URL per phase
   * (`{optimize, train, evaluate}`), and the bearer token they take, sealed.
   */
  phaseServices: jsonb("phase_services").$type<{ urls: Partial<Record<"optimize" | "train" | "evaluate", string>>; token: string | null }>(),
  maxIterations: integer("max_iterations").notNull().default(1),
  performanceThreshold: doublePrecision("performance_threshold"),
  currentIteration: integer("current_iteration").notNull().default(0),
  bestScore: doublePrecision("best_score"),
  /** Why it ended: "score 0.93 reached the threshold 0.9", "5 of 5 iterations", … */
  stopReason: text("stop_reason"),
  statusMessage: text("status_message"),
  createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  startedAt: timestamp("started_at", { withTimezone: true }),
  finishedAt: timestamp("finished_at", { withTimezone: true }),
}, (t) => [
  index("pipeline_tasks_org_idx").on(t.orgId, t.createdAt),
  index("pipeline_tasks_due_idx").on(t.nextCheckAt).where(sql`next_check_at is not null`),
  // The database holds the rule too: a suspended task always knows the phase to resume.
  check("pipeline_tasks_suspended_from", sql`(status = 'SUSPENDED') = (suspended_from is not null)
    and (suspended_from is null or suspended_from in ('OPTIMIZING', 'TRAINING', 'EVALUATING'))`),
  check("pipeline_tasks_iterations", sql`max_iterations between 1 and 1000 and current_iteration between 0 and max_iterations`),
]);

/** One record per phase per iteration: what went in, what came out, the run that did it. */
export const taskExecutions = pgTable("task_executions", {
  id: uuid("id").primaryKey().defaultRandom(),
  orgId: uuid("org_id").notNull().references(() => organizations.id, { onDelete: "cascade" }),
  taskId: uuid("task_id").notNull().references(() => pipelineTasks.id, { onDelete: "cascade" }),
  iteration: integer("iteration").notNull(),
  phase: text("phase").$type<"OPTIMIZING" | "TRAINING" | "EVALUATING">().notNull(),
  /** SUSPENDED: its run was stopped with the task; resuming starts the phase again in a new run. */
  status: text("status").$type<"RUNNING" | "SUSPENDED" | "SUCCEEDED" | "FAILED" | "CANCELLED">().notNull(),
  /** Why it failed or was stopped. */
  message: text("message"),
  runId: uuid("run_id").references(() => runs.id, { onDelete: "set null" }),
  /** An external phase: where it runs, the service's id for the job, and the model it returned. */
  serviceUrl: text("service_url"),
  remoteId: text("remote_id"),
  remoteModel: jsonb("remote_model").$type<Record<string, unknown>>(),
  /** The last time the service answered about this job: an unreachable service is given up on 30 minutes after it. */
  contactedAt: timestamp("contacted_at", { withTimezone: true }),
  inputVersionId: uuid("input_version_id").references(() => datasetVersions.id, { onDelete: "set null" }),
  outputVersionId: uuid("output_version_id").references(() => datasetVersions.id, { onDelete: "set null" }),
  /** The model artifact's path in the training run. */
  modelArtifact: text("model_artifact"),
  /** The evaluation report: metrics, score, bad cases, suggestions. */
  report: jsonb("report").$type<Record<string, unknown>>(),
  score: doublePrecision("score"),
  startedAt: timestamp("started_at", { withTimezone: true }).notNull().defaultNow(),
  finishedAt: timestamp("finished_at", { withTimezone: true }),
}, (t) => [uniqueIndex("task_executions_phase_idx").on(t.taskId, t.iteration, t.phase)]);
