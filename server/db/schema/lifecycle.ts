import { bigint, foreignKey, index, pgTable, primaryKey, text, timestamp, uuid, boolean } from "drizzle-orm/pg-core";
import { organizations } from "./tenancy";

/**
 * The tables every lifecycle shares (server/runner/lifecycle.ts). Their rows are written from
 * each lifecycle's definition when it is first used, so a lifecycle's statuses and legal
 * transitions are declared once, in its module, and the database enforces the same pairs.
 */
export const lifecycleStatuses = pgTable("lifecycle_statuses", {
  lifecycle: text("lifecycle").notNull(),
  status: text("status").notNull(),
  terminal: boolean("terminal").notNull(),
}, (t) => [primaryKey({ columns: [t.lifecycle, t.status] })]);

export const lifecycleAllowedTransitions = pgTable("lifecycle_allowed_transitions", {
  lifecycle: text("lifecycle").notNull(),
  fromStatus: text("from_status").notNull(),
  toStatus: text("to_status").notNull(),
}, (t) => [
  primaryKey({ columns: [t.lifecycle, t.fromStatus, t.toStatus] }),
  foreignKey({ name: "lifecycle_allowed_from_fk", columns: [t.lifecycle, t.fromStatus], foreignColumns: [lifecycleStatuses.lifecycle, lifecycleStatuses.status] }),
  foreignKey({ name: "lifecycle_allowed_to_fk", columns: [t.lifecycle, t.toStatus], foreignColumns: [lifecycleStatuses.lifecycle, lifecycleStatuses.status] }),
]);

/** One row per status change of any lifecycle's entity; `version` is the entity's after the change. */
export const lifecycleTransitions = pgTable("lifecycle_transitions", {
  lifecycle: text("lifecycle").notNull(),
  entityId: uuid("entity_id").notNull(),
  version: bigint("version", { mode: "number" }).notNull(),
  orgId: uuid("org_id").notNull().references(() => organizations.id, { onDelete: "cascade" }),
  /** Null only for the creation row. */
  fromStatus: text("from_status"),
  toStatus: text("to_status").notNull(),
  actor: text("actor").notNull(),
  reason: text("reason"),
  at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
}, (t) => [
  primaryKey({ columns: [t.lifecycle, t.entityId, t.version] }),
  // An illegal (from, to) pair fails inside the writing transaction, whoever wrote it.
  foreignKey({ name: "lifecycle_transitions_allowed_fk", columns: [t.lifecycle, t.fromStatus, t.toStatus], foreignColumns: [lifecycleAllowedTransitions.lifecycle, lifecycleAllowedTransitions.fromStatus, lifecycleAllowedTransitions.toStatus] }),
  foreignKey({ name: "lifecycle_transitions_status_fk", columns: [t.lifecycle, t.toStatus], foreignColumns: [lifecycleStatuses.lifecycle, lifecycleStatuses.status] }),
  index("lifecycle_transitions_org_idx").on(t.orgId),
]);

/**
 * Runners announce, every pass, the placements they can observe (`local:<data dir>:<host>`).
 * A placement nobody has announced for a while has lost its host: its runs may be taken over.
 */
export const runnerPlacements = pgTable("runner_placements", {
  placement: text("placement").primaryKey(),
  seenAt: timestamp("seen_at", { withTimezone: true }).notNull().defaultNow(),
});
