import type { SQL } from "drizzle-orm";
import type { AnyPgColumn, PgTable } from "drizzle-orm/pg-core";

/** The columns a lifecycle's table must have, under these names (SQL: snake_case). */
export interface LifecycleColumns {
  id: AnyPgColumn; orgId: AnyPgColumn; status: AnyPgColumn; version: AnyPgColumn;
  leaseOwner: AnyPgColumn; leaseExpiresAt: AnyPgColumn; nextCheckAt: AnyPgColumn; seq: AnyPgColumn;
}
export type LifecycleTable = PgTable & LifecycleColumns;

/** Columns a write may set beside the status; a value may be SQL (e.g. `now()`). */
export type ColumnValues<T extends LifecycleTable> = { [K in keyof T["$inferInsert"]]?: T["$inferInsert"][K] | SQL };
