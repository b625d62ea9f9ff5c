import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { inject } from "vitest";
import { withDatabase } from "./global-setup";

// A fresh database per test file, cloned from the migrated template (fast: a file copy).
const adminUrl = inject("adminDatabaseUrl");
const name = `anvil_test_${randomBytes(5).toString("hex")}`;
const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
await admin.unsafe(`create database ${name} template anvil_template`);
await admin.end();
process.env.DATABASE_URL = withDatabase(adminUrl, name);
process.env.ANVIL_DATA_DIR = `.test-data/files-${name}`;
