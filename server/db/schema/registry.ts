import { sql } from "drizzle-orm";
import { bigserial, check, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { datasetVersions } from "./datasets";
import { runs } from "./tracking";
import { organizations, users } from "./tenancy";

/** A registered model (MLflow's RegisteredModel): a name whose versions are trained models. */
export const registeredModels = pgTable("registered_models", {
  id: uuid("id").primaryKey().defaultRandom(),
  orgId: uuid("org_id").notNull().references(() => organizations.id, { onDelete: "cascade" }),
  name: text("name").notNull(),
  description: text("description").notNull().default(""),
  tags: jsonb("tags").$type<Record<string, string>>().notNull().default({}),
  createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
}, (t) => [uniqueIndex("registered_models_name_idx").on(t.orgId, t.name)]);

/**
 * A model version: the artifact a run made (or any URI), with the dataset version it was
 * trained on when known — its lineage. Numbered 1, 2, … per model.
 */
export const modelVersions = pgTable("model_versions", {
  id: uuid("id").primaryKey().defaultRandom(),
  orgId: uuid("org_id").notNull().references(() => organizations.id, { onDelete: "cascade" }),
  modelId: uuid("model_id").notNull().references(() => registeredModels.id, { onDelete: "cascade" }),
  version: integer("version").notNull(),
  /** Where the files are: `runs:/<run>/<path>`, `mlflow-artifacts:/…`, or a URI outside Anvil. */
  source: text("source").notNull(),
  runId: uuid("run_id").references(() => runs.id, { onDelete: "set null" }),
  /** The artifact (file or folder) in the run the version points at. */
  artifactPath: text("artifact_path"),
  datasetVersionId: uuid("dataset_version_id").references(() => datasetVersions.id, { onDelete: "set null" }),
  /** MLflow's stages (None, Staging, Production, Archived); aliases are the newer way. */
  stage: text("stage").notNull().default("None"),
  description: text("description").notNull().default(""),
  tags: jsonb("tags").$type<Record<string, string>>().notNull().default({}),
  createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
}, (t) => [
  uniqueIndex("model_versions_number_idx").on(t.modelId, t.version),
  index("model_versions_run_idx").on(t.runId),
  check("model_versions_stage", sql`stage in ('None', 'Staging', 'Production', 'Archived')`),
]);

/** `champion` → version 3: one version per alias per model. */
export const modelAliases = pgTable("model_aliases", {
  modelId: uuid("model_id").notNull().references(() => registeredModels.id, { onDelete: "cascade" }),
  alias: text("alias").notNull(),
  orgId: uuid("org_id").notNull().references(() => organizations.id, { onDelete: "cascade" }),
  versionId: uuid("version_id").notNull().references(() => modelVersions.id, { onDelete: "cascade" }),
  setAt: timestamp("set_at", { withTimezone: true }).notNull().defaultNow(),
}, (t) => [primaryKey({ columns: [t.modelId, t.alias] })]);

/** The model's history: who registered, moved, tagged or aliased what, when. */
export const modelEvents = pgTable("model_events", {
  id: bigserial("id", { mode: "number" }).primaryKey(),
  orgId: uuid("org_id").notNull().references(() => organizations.id, { onDelete: "cascade" }),
  modelId: uuid("model_id").notNull().references(() => registeredModels.id, { onDelete: "cascade" }),
  version: integer("version"),
  action: text("action").notNull(),
  details: jsonb("details").$type<Record<string, unknown>>().notNull().default({}),
  actor: text("actor").notNull(),
  at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
}, (t) => [index("model_events_model_idx").on(t.modelId, t.at)]);
