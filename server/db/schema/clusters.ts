import { sql } from "drizzle-orm";
import { index, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { organizations, users } from "./tenancy";

/**
 * A compute cluster an organization registered: a Ray dashboard (`ray`) or a Kubernetes API server
 * where KubeRay runs RayJobs (`kuberay`). Credentials are sealed (AES-GCM) and never leave the server.
 */
export const clusters = pgTable("clusters", {
  id: uuid("id").primaryKey().defaultRandom(),
  orgId: uuid("org_id").notNull().references(() => organizations.id, { onDelete: "cascade" }),
  name: text("name").notNull(),
  kind: text("kind").$type<"ray" | "kuberay">().notNull(),
  /** Ray: the dashboard URL (http://head:8265). KubeRay: the API server URL, or "in-cluster". */
  address: text("address").notNull(),
  /** KubeRay: the namespace RayJobs are created in. */
  namespace: text("namespace"),
  /** KubeRay: the image of the Ray cluster each job gets (rayproject/ray:<version>). */
  rayImage: text("ray_image"),
  /** Sealed JSON: bearer token, CA and client certificates (server/auth/secret-box.ts). */
  credentials: text("credentials"),
  /** Last probe: "unknown" until the first, then "healthy" or "unhealthy" with `lastError`. */
  health: text("health").$type<"unknown" | "healthy" | "unhealthy">().notNull().default("unknown"),
  rayVersion: text("ray_version"),
  lastError: text("last_error"),
  checkedAt: timestamp("checked_at", { withTimezone: true }),
  createdBy: uuid("created_by").references(() => users.id, { onDelete: "set null" }),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
}, (t) => [
  uniqueIndex("clusters_org_name_idx").on(t.orgId, sql`lower(${t.name})`),
  index("clusters_org_idx").on(t.orgId),
]);
