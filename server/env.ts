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
  /** Headless first start (as Langfuse's LANGFUSE_INIT_*): applied to an empty database only. */
  ANVIL_INIT_ORG: z.string().trim().min(2).max(80).optional(),
  ANVIL_INIT_ADMIN_EMAIL: z.string().trim().toLowerCase().email().optional(),
  ANVIL_INIT_ADMIN_PASSWORD: z.string().min(10, "must be at least 10 characters").max(200).optional(),
  ANVIL_INIT_ADMIN_NAME: z.string().trim().min(1).max(100).optional(),
  ANVIL_INIT_API_KEY: z.string().regex(/^anv_[A-Za-z0-9_-]{32,200}$/, "must be an Anvil key: 'anv_' then at least 32 of A-Z a-z 0-9 _ - (e.g. anv_$(openssl rand -hex 24))").optional(),
  /**
   * Namespaces where organizations may register KubeRay clusters with Anvil's own (in-cluster)
   * service account, comma-separated; unset ⇒ in-cluster registration is refused.
   */
  ANVIL_KUBERAY_IN_CLUSTER_NAMESPACES: z.string().optional(),
  /** Extra variable names a local job may inherit from the app (comma-separated), e.g. HF_HOME. */
  ANVIL_JOB_ENV_ALLOW: z.string().optional(),
  /** Directories a sandboxed local job may write besides its workspace (comma-separated absolute paths). */
  ANVIL_JOB_WRITABLE_PATHS: z.string().optional(),
  /** Where artifacts and datasets live: `fs` under ANVIL_DATA_DIR/objects, or an S3 bucket. */
  ANVIL_OBJECT_STORE: z.enum(["fs", "s3"]).default("fs"),
  ANVIL_S3_BUCKET: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "must be an S3 bucket name").optional(),
  ANVIL_S3_REGION: z.string().default("us-east-1"),
  /** An S3-compatible server (MinIO, R2, Ceph…), e.g. http://127.0.0.1:9000; unset ⇒ AWS S3. */
  ANVIL_S3_ENDPOINT: z.string().url().optional(),
  ANVIL_S3_ACCESS_KEY_ID: z.string().optional(),
  ANVIL_S3_SECRET_ACCESS_KEY: z.string().optional(),
  /** Hours a deleted run or experiment can still be restored before its data is purged (0 = at the next sweep). */
  ANVIL_PURGE_AFTER_HOURS: z.coerce.number().min(0).max(24 * 3650).default(720),
  ANVIL_LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
  /** Sends invitation e-mails when set: smtp://user:pass@host:587 or smtps://… */
  ANVIL_SMTP_URL: z.string().regex(/^smtps?:\/\//, "must start with smtp:// or smtps://").optional(),
  ANVIL_SMTP_FROM: z.string().optional(),
}).superRefine((v, ctx) => {
  if (v.ANVIL_OBJECT_STORE === "s3") {
    for (const k of ["ANVIL_S3_BUCKET", "ANVIL_S3_ACCESS_KEY_ID", "ANVIL_S3_SECRET_ACCESS_KEY"] as const) {
      if (v[k] === undefined) ctx.addIssue({ code: "custom", path: [k], message: "is required when ANVIL_OBJECT_STORE=s3" });
    }
  }
  const init = ["ANVIL_INIT_ORG", "ANVIL_INIT_ADMIN_EMAIL", "ANVIL_INIT_ADMIN_PASSWORD"] as const;
  const set = init.filter((k) => v[k] !== undefined);
  if ((set.length > 0 || v.ANVIL_INIT_API_KEY || v.ANVIL_INIT_ADMIN_NAME) && set.length < init.length) {
    for (const k of init.filter((k) => v[k] === undefined)) ctx.addIssue({ code: "custom", path: [k], message: `is required with the other ANVIL_INIT_* variables (${init.join(", ")})` });
  }
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
