import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb } from "@/server/db/client";
import { apiKeys, organizations, users } from "@/server/db/schema";
import { parseEnv } from "@/server/env";
import { authenticateApiKey } from "@/server/tenancy/api-keys";
import { initializeFromEnv } from "@/server/tenancy/headless-init";
import { verifyCredentials } from "@/server/tenancy/users";

const KEY = `anv_${"k".repeat(40)}`;
const vars = { ANVIL_INIT_ORG: "Ops Team", ANVIL_INIT_ADMIN_EMAIL: "ops@example.com", ANVIL_INIT_ADMIN_PASSWORD: "init-password-1", ANVIL_INIT_API_KEY: KEY };

describe("headless initialization from ANVIL_INIT_*", () => {
  it("creates the organization, its admin and an admin service key on an empty database, once", async () => {
    const db = await getDb();
    expect(await initializeFromEnv(db, {})).toBe("not-configured");
    expect(await initializeFromEnv(db, parseEnv(vars))).toBe("created");
    const key = await authenticateApiKey(db, KEY);
    expect(key?.org).toMatchObject({ slug: "ops-team", role: "admin" });
    expect(await verifyCredentials(db, "ops@example.com", "init-password-1")).not.toBeNull();
    const before = { users: await db.select().from(users), orgs: await db.select().from(organizations), keys: await db.select().from(apiKeys) };
    expect(before.keys).toMatchObject([{ service: true, role: "admin", name: "ANVIL_INIT_API_KEY" }]);
    // A second start, even with other values, changes nothing.
    expect(await initializeFromEnv(db, parseEnv({ ...vars, ANVIL_INIT_ADMIN_PASSWORD: "another-password" }))).toBe("already-set-up");
    expect(await db.select().from(users)).toEqual(before.users);
    expect(await db.select().from(organizations)).toEqual(before.orgs);
    expect(await db.select().from(apiKeys).where(eq(apiKeys.orgId, before.orgs[0].id))).toHaveLength(1);
    expect(await verifyCredentials(db, "ops@example.com", "init-password-1")).not.toBeNull();
  });

  it("refuses a key not in Anvil's format, and a partial set, with a clear message", () => {
    expect(() => parseEnv({ ...vars, ANVIL_INIT_API_KEY: "sk-123" })).toThrow(/ANVIL_INIT_API_KEY: must be an Anvil key: 'anv_' then at least 32/);
    expect(() => parseEnv({ ...vars, ANVIL_INIT_API_KEY: `anv_${"x".repeat(31)}` })).toThrow(/ANVIL_INIT_API_KEY/);
    expect(() => parseEnv({ ANVIL_INIT_ORG: "Ops" })).toThrow(/ANVIL_INIT_ADMIN_EMAIL: is required with the other ANVIL_INIT_\* variables/);
    expect(() => parseEnv({ ...vars, ANVIL_INIT_ADMIN_PASSWORD: "short" })).toThrow(/ANVIL_INIT_ADMIN_PASSWORD: must be at least 10 characters/);
  });
});
