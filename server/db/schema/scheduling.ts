import { sql } from "drizzle-orm";
import { boolean, doublePrecision, index, integer, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { clusters } from "./clusters";
import { projects, runs } from "./tracking";
import { organizations, users } from "./tenancy";

/**
 * GPUs an organization schedules: a pool of one GPU type, bound to where its jobs run (an
 * executor, or one registered cluster; neither = any), with a price per GPU-hour for costs.
 */
export const gpuPools = pgTable("gpu_pools", {
  id: uuid("id").primaryKey().defaultRandom(),
  orgId: uuid("org_id").notNull().references(() => organizations.id, { onDelete: "cascade" }),
  name: text("name").notNull(),
  gpuType: text("gpu_type"),
  gpus: integer("gpus").notNull(),
  costPerGpuHour: doublePrecision("cost_per_gpu_hour").notNull().default(0),
  executor: text("executor"),
  clusterId: uuid("cluster_id").references(() => clusters.id, { onDelete: "set null" }),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
}, (t) => [uniqueIndex("gpu_pools_org_name_idx").on(t.orgId, sql`lower(${t.name})`)]);

/**
 * Where GPU jobs wait (Kueue's ClusterQueue): a nominal quota per pool, borrowing idle quota
 * from queues of the same cohort, and a minimum runtime that protects jobs from preemption.
 */
export const queues = pgTable("queues", {
  id: uuid("id").primaryKey().defaultRandom(),
  orgId: uuid("org_id").notNull().references(() => organizations.id, { onDelete: "cascade" }),
  name: text("name").notNull(),
  cohort: text("cohort"),
  minRuntimeSeconds: integer("min_runtime_seconds").notNull().default(0),
  /** Its share of what the cohort lends: borrowed GPUs ÷ weight decides who borrows next. */
  weight: doublePrecision("weight").notNull().default(1),
  /** GPU jobs submitted without a queue go here. */
  isDefault: boolean("is_default").notNull().default(false),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
}, (t) => [
  uniqueIndex("queues_org_name_idx").on(t.orgId, sql`lower(${t.name})`),
  uniqueIndex("queues_one_default_idx").on(t.orgId).where(sql`is_default`),
]);

export const queueQuotas = pgTable("queue_quotas", {
  queueId: uuid("queue_id").notNull().references(() => queues.id, { onDelete: "cascade" }),
  poolId: uuid("pool_id").notNull().references(() => gpuPools.id, { onDelete: "cascade" }),
  orgId: uuid("org_id").notNull().references(() => organizations.id, { onDelete: "cascade" }),
  nominal: integer("nominal").notNull(),
  /** GPUs beyond the nominal quota the queue may borrow from its cohort; null = no limit. */
  borrowingLimit: integer("borrowing_limit"),
}, (t) => [primaryKey({ columns: [t.queueId, t.poolId] })]);

/**
 * GPUs held by one attempt of a run, from admission until it stops (closed in the transaction
 * that moves the run out of STARTING/RUNNING). Open rows are what admission counts; all rows,
 * with the price frozen at admission, are what costs add up.
 */
export const gpuAllocations = pgTable("gpu_allocations", {
  id: uuid("id").primaryKey().defaultRandom(),
  orgId: uuid("org_id").notNull().references(() => organizations.id, { onDelete: "cascade" }),
  // Kept when a deleted run or project is purged: what was spent stays spent (budget, costs).
  runId: uuid("run_id").references(() => runs.id, { onDelete: "set null" }),
  projectId: uuid("project_id").references(() => projects.id, { onDelete: "set null" }),
  attempt: integer("attempt").notNull(),
  queueId: uuid("queue_id").references(() => queues.id, { onDelete: "set null" }),
  poolId: uuid("pool_id").references(() => gpuPools.id, { onDelete: "set null" }),
  gpus: integer("gpus").notNull(),
  costPerGpuHour: doublePrecision("cost_per_gpu_hour").notNull(),
  borrowing: boolean("borrowing").notNull().default(false),
  startedAt: timestamp("started_at", { withTimezone: true }).notNull().defaultNow(),
  endedAt: timestamp("ended_at", { withTimezone: true }),
}, (t) => [
  uniqueIndex("gpu_allocations_open_idx").on(t.runId).where(sql`ended_at is null`),
  index("gpu_allocations_org_idx").on(t.orgId, t.startedAt),
  index("gpu_allocations_pool_open_idx").on(t.poolId).where(sql`ended_at is null`),
]);

/** A monthly spending limit (calendar month, UTC): admissions stop when it is spent. */
export const orgBudgets = pgTable("org_budgets", {
  orgId: uuid("org_id").primaryKey().references(() => organizations.id, { onDelete: "cascade" }),
  monthlyLimit: doublePrecision("monthly_limit").notNull(),
  updatedBy: uuid("updated_by").references(() => users.id, { onDelete: "set null" }),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});
