import { sql } from "drizzle-orm";
import type { Db } from "@/server/db/client";
import { users } from "@/server/db/schema";
import { hashPassword } from "@/server/auth/secrets";
import type { Env } from "@/server/env";
import { createApiKey } from "./api-keys";
import { recordAudit } from "./audit";
import { createOrganization } from "./organizations";
import { isSetupNeeded, SETUP_LOCK_KEY } from "./users";

export type InitOutcome = "not-configured" | "created" | "already-set-up";

/**
 * Headless initialization for deployments (Langfuse's LANGFUSE_INIT_* habit): with ANVIL_INIT_ORG,
 * ANVIL_INIT_ADMIN_EMAIL and ANVIL_INIT_ADMIN_PASSWORD (and optionally ANVIL_INIT_API_KEY) set,
 * the first start creates the organization, its admin and an admin service key. It acts on an
 * empty database only, under the same lock as the setup page, so any later start — or a race with
 * someone on the setup page — changes nothing.
 */
export async function initializeFromEnv(db: Db, env: Pick<Env, "ANVIL_INIT_ORG" | "ANVIL_INIT_ADMIN_EMAIL" | "ANVIL_INIT_ADMIN_PASSWORD" | "ANVIL_INIT_ADMIN_NAME" | "ANVIL_INIT_API_KEY">): Promise<InitOutcome> {
  const { ANVIL_INIT_ORG: orgName, ANVIL_INIT_ADMIN_EMAIL: email, ANVIL_INIT_ADMIN_PASSWORD: password } = env;
  if (!orgName || !email || !password) return "not-configured";
  const passwordHash = await hashPassword(password);
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${SETUP_LOCK_KEY})`);
    if (!(await isSetupNeeded(tx))) return "already-set-up" as const;
    const [user] = await tx.insert(users).values({ name: env.ANVIL_INIT_ADMIN_NAME ?? email.split("@")[0], email, passwordHash }).returning();
    const actor = { kind: "system" as const, label: "anvil-init" };
    const org = await createOrganization(tx, { name: orgName, creatorUserId: user.id, actor });
    await recordAudit(tx, { orgId: org.id, actor, action: "setup.headless", targetType: "user", targetId: user.id, details: { email, apiKey: Boolean(env.ANVIL_INIT_API_KEY) } });
    if (env.ANVIL_INIT_API_KEY) {
      await createApiKey(tx, { id: org.id, slug: org.slug, name: org.name, role: "admin", grants: [] }, actor,
        { name: "ANVIL_INIT_API_KEY", role: "admin", service: true }, env.ANVIL_INIT_API_KEY);
    }
    return "created" as const;
  });
}
