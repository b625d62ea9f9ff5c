import { z } from "zod";

/**
 * Environment, validated once. Imported by next.config.ts so a bad value fails the build,
 * and by server code so nothing reads `process.env` ad hoc.
 */
const schema = z.object({
  NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  /** Unset ⇒ embedded PostgreSQL under ANVIL_DATA_DIR/postgres. */
  DATABASE_URL: z.string().url().optional(),
  ANVIL_DATA_DIR: z.string().default(".data"),
  /** Public URL of this app; jobs use it to log back. Defaults to http://127.0.0.1:$PORT. */
  ANVIL_URL: z.string().url().optional(),
  /** Protects POST /api/runner/tick. Unset ⇒ the tick route is disabled. */
  ANVIL_RUNNER_SECRET: z.string().min(16).optional(),
  /** "off" disables the in-process runner (e.g. when `npm run worker` processes do the work). */
  ANVIL_RUNNER: z.enum(["on", "off"]).default("on"),
  ANVIL_RUNNER_POLL_MS: z.coerce.number().int().min(50).default(1000),
  ANVIL_LEASE_SECONDS: z.coerce.number().positive().default(30),
  ANVIL_LOCAL_MAX_CONCURRENT: z.coerce.number().int().min(1).default(2),
  /** Distinguishes installations sharing a Ray cluster; part of every remote id. */
  ANVIL_INSTALL_ID: z.string().regex(/^[a-z0-9-]{1,32}$/).optional(),
  ANVIL_DISABLE_SIGNUP: z.enum(["true", "false"]).default("false"),
  AUTH_SECRET: z.string().min(16).optional(),
  AUTH_GITHUB_ID: z.string().optional(),
  AUTH_GITHUB_SECRET: z.string().optional(),
  AUTH_GOOGLE_ID: z.string().optional(),
  AUTH_GOOGLE_SECRET: z.string().optional(),
  AUTH_OIDC_ISSUER: z.string().url().optional(),
  AUTH_OIDC_ID: z.string().optional(),
  AUTH_OIDC_SECRET: z.string().optional(),
  AUTH_OIDC_NAME: z.string().default("SSO"),
});

export type Env = z.infer<typeof schema>;

function parseEnv(source: Record<string, string | undefined>): Env {
  // Empty strings (e.g. `DATABASE_URL=` in a .env file) mean "unset".
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = schema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid environment variables:\n${lines.join("\n")}`);
  }
  return parsed.data;
}

export const env: Env = parseEnv(process.env);
export { parseEnv };
