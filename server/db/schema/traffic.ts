import { sql } from "drizzle-orm";
import { bigserial, boolean, check, doublePrecision, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { inferenceServices, type ServiceSlo } from "./inference";
import { lifecycleColumns } from "./lifecycle-columns";
import { organizations, users } from "./tenancy";

/**
 * Traffic and analysis on top of services: rollouts (a lifecycle the runner drives through its
 * steps), the events each one records, feedback per request, autoscaling decisions and alerts.
 */

/** Counters of one variant at a moment (sums over its stats rows): a window is the difference of two. */
export interface VariantCounters { requests: number; errors: number; latency: number[]; ttft: number[] }

export interface RolloutStep { weight: number; /** rolling: the candidate's replicas at this step (the baseline has the rest). */ candidateReplicas?: number }

/**
 * A rollout moves traffic from a service's baseline variant to a candidate in steps, analysing
 * the candidate against the SLO between steps. Strategies: immediate, rolling, blue-green, canary.
 */
export const serviceRollouts = pgTable("service_rollouts", {
  id: uuid("id").primaryKey().defaultRandom(),
  orgId: uuid("org_id").notNull().references(() => organizations.id, { onDelete: "cascade" }),
  serviceId: uuid("service_id").notNull().references(() => inferenceServices.id, { onDelete: "cascade" }),
  seq: bigserial("seq", { mode: "number" }).notNull(),
  ...lifecycleColumns(),
  strategy: text("strategy").$type<"immediate" | "rolling" | "blue-green" | "canary">().notNull(),
  baseline: text("baseline").notNull(),
  candidate: text("candidate").notNull(),
  steps: jsonb("steps").$type<RolloutStep[]>().notNull(),
  /** The step being held or analysed; -1 while the candidate's replicas start. */
  stepIndex: integer("step_index").notNull().default(-1),
  intervalSeconds: integer("interval_seconds").notNull(),
  /** Below this many candidate requests in a step the analysis waits rather than judges. */
  minRequests: integer("min_requests").notNull(),
  slo: jsonb("slo").$type<ServiceSlo>().notNull(),
  /** The baseline's replicas when the rollout began (rolling hands them over one by one). */
  baselineReplicas: integer("baseline_replicas").notNull(),
  stepStartedAt: timestamp("step_started_at", { withTimezone: true }),
  /** The candidate's counters when the step began. */
  stepCounters: jsonb("step_counters").$type<VariantCounters>(),
  /** The last analysis, shown on the page. */
  analysis: jsonb("analysis").$type<Record<string, unknown>>(),
  statusMessage: text("status_message"),
  createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  finishedAt: timestamp("finished_at", { withTimezone: true }),
}, (t) => [
  index("service_rollouts_service_idx").on(t.serviceId, t.createdAt),
  index("service_rollouts_due_idx").on(t.nextCheckAt).where(sql`next_check_at is not null`),
  // One rollout at a time per service: two would fight over the same weights.
  uniqueIndex("service_rollouts_one_active_idx").on(t.serviceId).where(sql`status in ('PROGRESSING', 'PAUSED')`),
]);

/** What a rollout did and why: each step, analysis, pause, promotion and rollback. */
export const rolloutEvents = pgTable("rollout_events", {
  id: bigserial("id", { mode: "number" }).primaryKey(),
  orgId: uuid("org_id").notNull().references(() => organizations.id, { onDelete: "cascade" }),
  rolloutId: uuid("rollout_id").notNull().references(() => serviceRollouts.id, { onDelete: "cascade" }),
  at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
  kind: text("kind").$type<"start" | "step" | "analysis" | "pause" | "resume" | "promote" | "rollback">().notNull(),
  weight: integer("weight"),
  message: text("message").notNull(),
  metrics: jsonb("metrics").$type<Record<string, unknown>>(),
}, (t) => [index("rollout_events_rollout_idx").on(t.rolloutId, t.id)]);

/** A thumb (1 / 0) or a score for one answer, by the request id the gateway gave it. */
export const serviceFeedback = pgTable("service_feedback", {
  id: bigserial("id", { mode: "number" }).primaryKey(),
  orgId: uuid("org_id").notNull().references(() => organizations.id, { onDelete: "cascade" }),
  serviceId: uuid("service_id").notNull().references(() => inferenceServices.id, { onDelete: "cascade" }),
  variant: text("variant").notNull(),
  requestId: text("request_id").notNull(),
  kind: text("kind").$type<"thumb" | "score">().notNull(),
  value: doublePrecision("value").notNull(),
  at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
}, (t) => [uniqueIndex("service_feedback_request_idx").on(t.serviceId, t.requestId), index("service_feedback_variant_idx").on(t.serviceId, t.variant, t.at)]);

/** Each autoscaling evaluation that changed, or wanted to change, a variant's replicas. */
export const serviceScalingEvents = pgTable("service_scaling_events", {
  id: bigserial("id", { mode: "number" }).primaryKey(),
  orgId: uuid("org_id").notNull().references(() => organizations.id, { onDelete: "cascade" }),
  serviceId: uuid("service_id").notNull().references(() => inferenceServices.id, { onDelete: "cascade" }),
  variant: text("variant").notNull(),
  at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
  metric: text("metric").notNull(),
  value: doublePrecision("value"),
  target: doublePrecision("target").notNull(),
  current: integer("current").notNull(),
  recommended: integer("recommended").notNull(),
  desired: integer("desired").notNull(),
  applied: boolean("applied").notNull(),
  reason: text("reason").notNull(),
}, (t) => [index("service_scaling_events_service_idx").on(t.serviceId, t.at)]);

/** An alert on a service: shown in the app, posted to the service's webhook if it has one. */
export const serviceAlerts = pgTable("service_alerts", {
  id: bigserial("id", { mode: "number" }).primaryKey(),
  orgId: uuid("org_id").notNull().references(() => organizations.id, { onDelete: "cascade" }),
  serviceId: uuid("service_id").notNull().references(() => inferenceServices.id, { onDelete: "cascade" }),
  at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
  kind: text("kind").$type<"slo" | "drift" | "rollback">().notNull(),
  /** The same condition raises one alert per quarter hour (`slot`: quarter hours since 1970), not one per check, whichever runner sees it. */
  dedupeKey: text("dedupe_key").notNull(),
  slot: integer("slot").notNull(),
  message: text("message").notNull(),
  details: jsonb("details").$type<Record<string, unknown>>(),
  /** What the webhook answered ("200", "timeout", …); null without a webhook. */
  delivery: text("delivery"),
  acknowledgedAt: timestamp("acknowledged_at", { withTimezone: true }),
}, (t) => [
  index("service_alerts_service_idx").on(t.serviceId, t.at),
  uniqueIndex("service_alerts_once_idx").on(t.serviceId, t.dedupeKey, t.slot),
  check("service_alerts_kind", sql`kind in ('slo', 'drift', 'rollback')`),
]);
