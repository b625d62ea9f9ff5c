import { index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { organizations, users } from "./tenancy";
import { experiments, runs } from "./tracking";

/**
 * MLflow 3.x logged models (`mlflow.<flavor>.log_model`): a model logged from a run, whose files
 * live in that run's artifacts under `models/<id>/`. Ids are MLflow's shape, `m-<32 hex>`.
 */
export const loggedModels = pgTable("logged_models", {
  id: text("id").primaryKey(),
  orgId: uuid("org_id").notNull().references(() => organizations.id, { onDelete: "cascade" }),
  experimentId: uuid("experiment_id").notNull().references(() => experiments.id, { onDelete: "cascade" }),
  sourceRunId: uuid("source_run_id").notNull().references(() => runs.id, { onDelete: "cascade" }),
  name: text("name").notNull(),
  modelType: text("model_type"),
  /** LOGGED_MODEL_PENDING until the client finalizes it READY or UPLOAD_FAILED. */
  status: text("status").notNull().default("LOGGED_MODEL_PENDING"),
  statusMessage: text("status_message"),
  tags: jsonb("tags").$type<Record<string, string>>().notNull().default({}),
  params: jsonb("params").$type<Record<string, string>>().notNull().default({}),
  createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  deletedAt: timestamp("deleted_at", { withTimezone: true }),
}, (t) => [index("logged_models_org_experiment_idx").on(t.orgId, t.experimentId), index("logged_models_run_idx").on(t.sourceRunId)]);

/** `runs/outputs`: models a run produced, at a step (MLflow's `run.outputs.model_outputs`). */
export const runModelOutputs = pgTable("run_model_outputs", {
  runId: uuid("run_id").notNull().references(() => runs.id, { onDelete: "cascade" }),
  modelId: text("model_id").notNull().references(() => loggedModels.id, { onDelete: "cascade" }),
  orgId: uuid("org_id").notNull(),
  step: integer("step").notNull().default(0),
}, (t) => [primaryKey({ columns: [t.runId, t.modelId] })]);

/** `runs/log-inputs`: datasets a run read, by name and digest (MLflow's `run.inputs.dataset_inputs`). */
export const runDatasetInputs = pgTable("run_dataset_inputs", {
  runId: uuid("run_id").notNull().references(() => runs.id, { onDelete: "cascade" }),
  orgId: uuid("org_id").notNull(),
  name: text("name").notNull(),
  digest: text("digest").notNull(),
  sourceType: text("source_type").notNull(),
  source: text("source").notNull(),
  schema: text("schema"),
  profile: text("profile"),
  tags: jsonb("tags").$type<Array<{ key: string; value: string }>>().notNull().default([]),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
}, (t) => [primaryKey({ columns: [t.runId, t.name, t.digest] })]);
