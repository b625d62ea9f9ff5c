import { defineConfig } from "drizzle-kit";

// Only `generate` is used: migrations are applied by scripts/migrate.ts (embedded or DATABASE_URL).
export default defineConfig({
  schema: "./server/db/schema/index.ts",
  out: "./drizzle",
  dialect: "postgresql",
});
