import path from "node:path";
import { drizzle } from "drizzle-orm/postgres-js";
import { migrate } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";

// Any constant works; it only has to be the same in every process that migrates.
const MIGRATION_LOCK_KEY = 7_304_112_001;

/**
 * Applies the committed migrations in `drizzle/`. Several processes may start at once
 * (app + workers): an advisory lock lets one migrate while the others wait, then find nothing to do.
 */
export async function migrateDatabase(url: string, migrationsFolder = path.join(process.cwd(), "drizzle")): Promise<void> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await sql`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`;
    try {
      await migrate(drizzle(sql), { migrationsFolder });
    } finally {
      await sql`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`;
    }
  } finally {
    await sql.end({ timeout: 5 });
  }
}
