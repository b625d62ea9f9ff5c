import os from "node:os";
import path from "node:path";
import postgres from "postgres";
import type { TestProject } from "vitest/node";
import { migrateDatabase } from "../server/db/migrate";

/**
 * One real PostgreSQL for the whole run: ANVIL_TEST_DATABASE_URL (e.g. a PostgreSQL 15 in CI)
 * or an embedded server in the system temp dir. A migrated template database is cloned per test file.
 */
export default async function setup(project: TestProject) {
  let adminUrl = process.env.ANVIL_TEST_DATABASE_URL;
  if (!adminUrl) {
    const { ensureEmbeddedPostgres } = await import("../server/db/embedded");
    // Under the system temp dir: as root (CI) the postgres user must be able to reach it,
    // wherever the checkout lives.
    adminUrl = await ensureEmbeddedPostgres(path.join(os.tmpdir(), "anvil-vitest-postgres"));
  }
  const sql = postgres(adminUrl, { max: 1, onnotice: () => {} });
  // Databases of earlier runs: dropped here, since a killed run never reaches a teardown.
  const stale = await sql<{ datname: string }[]>`select datname from pg_database where datname like 'anvil_test_%'`;
  for (const { datname } of stale) await sql.unsafe(`drop database if exists ${datname} with (force)`);
  await sql.unsafe("drop database if exists anvil_template with (force)");
  await sql.unsafe("create database anvil_template");
  const templateUrl = withDatabase(adminUrl, "anvil_template");
  await migrateDatabase(templateUrl, path.resolve("drizzle"));
  await sql.end();
  project.provide("adminDatabaseUrl", adminUrl);
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

declare module "vitest" {
  export interface ProvidedContext { adminDatabaseUrl: string }
}
