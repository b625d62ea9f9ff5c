import { drizzle, type PostgresJsDatabase } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import { env } from "@/server/env";
import { log } from "@/server/log";
import { migrateDatabase } from "./migrate";
import * as schema from "./schema";

export type Db = PostgresJsDatabase<typeof schema>;
export type Tx = Parameters<Parameters<Db["transaction"]>[0]>[0];
/** Services take either, so a caller can compose them inside one transaction. */
export type DbOrTx = Db | Tx;

interface DbState { db: Db; sql: postgres.Sql; url: string }

// One pool per process, kept on globalThis so `next dev` module reloads don't open new pools.
const holder = globalThis as unknown as { __anvilDb?: Promise<DbState> };

/** The database URL: DATABASE_URL, or the embedded server (started or adopted on first use). */
export async function resolveDatabaseUrl(say: (line: string) => void = (line) => log.info(line)): Promise<string> {
  if (env.DATABASE_URL) return env.DATABASE_URL;
  // Loaded lazily: deployments with DATABASE_URL never touch the embedded binaries.
  const { ensureEmbeddedPostgres } = await import("./embedded");
  return ensureEmbeddedPostgres(env.ANVIL_DATA_DIR, say);
}

export function createDb(url: string, max = 10): DbState {
  const sql = postgres(url, { max, onnotice: () => {}, idle_timeout: 30 });
  return { db: drizzle(sql, { schema }), sql, url };
}

/** The process-wide database, migrated on first use. */
export async function getDb(): Promise<Db> {
  holder.__anvilDb ??= (async () => {
    const url = await resolveDatabaseUrl();
    await migrateDatabase(url);
    return createDb(url);
  })().catch((err) => {
    holder.__anvilDb = undefined;
    throw err;
  });
  return (await holder.__anvilDb).db;
}

export async function closeDb(): Promise<void> {
  const state = await holder.__anvilDb?.catch(() => undefined);
  holder.__anvilDb = undefined;
  await state?.sql.end({ timeout: 5 });
}
