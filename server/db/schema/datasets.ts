import { sql } from "drizzle-orm";
import { bigint, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid, type AnyPgColumn } from "drizzle-orm/pg-core";
import { organizations, users } from "./tenancy";

/** A named dataset of an organization: its versions hold the bytes; its rules, what they must meet. */
export const datasets = pgTable("datasets", {
  id: uuid("id").primaryKey().defaultRandom(),
  orgId: uuid("org_id").notNull().references(() => organizations.id, { onDelete: "cascade" }),
  name: text("name").notNull(),
  /** training | validation | test | other (the seed's datasetType). */
  type: text("type").notNull().default("training"),
  domain: text("domain").notNull().default(""),
  description: text("description").notNull().default(""),
  /** Validation rules (server/datasets/validation.ts), checked on every version. */
  rules: jsonb("rules").$type<unknown[]>().notNull().default([]),
  createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
}, (t) => [uniqueIndex("datasets_org_name_idx").on(t.orgId, sql`lower(${t.name})`)]);

/**
 * One version of a dataset: its bytes in the object store, identified by their SHA-256 (the same
 * bytes twice are one version), with the profile and the validation report of the pass that
 * stored them, and the version it was derived from (lineage).
 */
export const datasetVersions = pgTable("dataset_versions", {
  id: uuid("id").primaryKey().defaultRandom(),
  orgId: uuid("org_id").notNull().references(() => organizations.id, { onDelete: "cascade" }),
  datasetId: uuid("dataset_id").notNull().references(() => datasets.id, { onDelete: "cascade" }),
  version: integer("version").notNull(),
  sha256: text("sha256").notNull(),
  size: bigint("size", { mode: "number" }).notNull(),
  format: text("format").$type<"csv" | "jsonl">().notNull(),
  filename: text("filename"),
  storageKey: text("storage_key").notNull(),
  rows: bigint("rows", { mode: "number" }).notNull(),
  invalidRows: bigint("invalid_rows", { mode: "number" }).notNull().default(0),
  /** DatasetProfile (server/datasets/profile.ts) without the preview. */
  profile: jsonb("profile").$type<Record<string, unknown>>().notNull(),
  preview: jsonb("preview").$type<unknown[][]>().notNull(),
  /**
   * ready: profiled (in the upload itself, up to its inline limit); pending / profiling: a large
   * upload stored at full speed, its full profile computed after, in the background; failed:
   * that pass found the file is not a valid table (`profileError` says where).
   */
  profileState: text("profile_state").$type<"ready" | "pending" | "profiling" | "failed">().notNull().default("ready"),
  profileError: text("profile_error"),
  profileStartedAt: timestamp("profile_started_at", { withTimezone: true }),
  /** RuleResult[] for the dataset's rules when last checked; null before any rule. */
  validation: jsonb("validation").$type<unknown[] | null>(),
  sourceVersionId: uuid("source_version_id").references((): AnyPgColumn => datasetVersions.id, { onDelete: "set null" }),
  /** How it was derived from its source (e.g. "deduplicated; 40 rows oversampled near bad cases"). */
  derivation: text("derivation"),
  createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
}, (t) => [
  uniqueIndex("dataset_versions_hash_idx").on(t.datasetId, t.sha256),
  uniqueIndex("dataset_versions_number_idx").on(t.datasetId, t.version),
  index("dataset_versions_org_idx").on(t.orgId),
  index("dataset_versions_pending_idx").on(t.createdAt).where(sql`profile_state in ('pending', 'profiling')`),
]);
