import { sql } from "drizzle-orm";
import { bigserial, index, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { lifecycleColumns } from "./lifecycle-columns";
import { projects } from "./tracking";
import { organizations, users } from "./tenancy";

/**
 * A hyperparameter sweep: a search space, objectives and an algorithm; its trials are runs
 * (`runs.sweep_id`). A lifecycle (server/sweeps/sweep-lifecycle.ts) the runner drives: it
 * suggests and submits trials, stops poor ones early and ends when the budget is spent.
 */
export const sweeps = pgTable("sweeps", {
  id: uuid("id").primaryKey().defaultRandom(),
  orgId: uuid("org_id").notNull().references(() => organizations.id, { onDelete: "cascade" }),
  projectId: uuid("project_id").notNull().references(() => projects.id, { onDelete: "cascade" }),
  seq: bigserial("seq", { mode: "number" }).notNull(),
  name: text("name").notNull(),
  ...lifecycleColumns(),
  /** SweepSpec (server/sweeps/sweep-input.ts): space, objectives, algorithm, budget, the job. */
  spec: jsonb("spec").$type<Record<string, unknown>>().notNull(),
  /** The role and grants trials are submitted with: the creator's, checked when the sweep was created. */
  submitAs: jsonb("submit_as").$type<{ role: string; grants: string[]; label: string }>().notNull(),
  statusMessage: text("status_message"),
  createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  finishedAt: timestamp("finished_at", { withTimezone: true }),
}, (t) => [
  index("sweeps_org_idx").on(t.orgId, t.createdAt),
  index("sweeps_due_idx").on(t.nextCheckAt).where(sql`next_check_at is not null`),
]);
