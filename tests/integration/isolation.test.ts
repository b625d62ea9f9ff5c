import fs from "node:fs";
import path from "node:path";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { appRouter } from "@/server/api/root";
import { getDb } from "@/server/db/client";
import { apiKeys, invitations, memberships, runs } from "@/server/db/schema";
import { addUser, apiKeyFor, callerFor, createOrgWithAdmin } from "../helpers/fixtures";
import { call, type RouteHandler } from "../helpers/rest";

/**
 * Tenant isolation, by enumeration: every tRPC procedure and every REST route is called by a
 * member of organization A with organization B's ids. New procedures and routes are covered
 * without touching this file; a new input field or path parameter it cannot fill fails it.
 */

async function victim() {
  const b = await createOrgWithAdmin("Victim");
  const caller = await callerFor(b.adminId);
  const run = await caller.training.submit({ org: b.slug, job: { name: "secret-run", command: "true" } as never });
  const key = await caller.apiKeys.create({ org: b.slug, name: "victim-key", role: "viewer" });
  await caller.members.add({ org: b.slug, email: "pending-victim@example.com", role: "user" });
  const member = await addUser(b.db, b.orgId, "user");
  const [invite] = await b.db.select().from(invitations).where(eq(invitations.orgId, b.orgId));
  const ids: Record<string, string> = { runId: run.id, userId: member.id, keyId: key.id, invitationId: invite.id, projectId: (await caller.training.projects({ org: b.slug }))[0].id };
  return { b, ids, secrets: [b.slug, b.orgId, b.adminEmail, member.email, run.id, key.id, "secret-run", "victim-key"] };
}

const VALID_STRINGS: Record<string, string> = { email: "someone@example.com", name: "probe", template: "iris-softmax", command: "true" };

/** Fills a zod input from field names: ids from the victim, anything else a valid dummy value. */
function sampleInput(schema: z.ZodType, org: string, ids: Record<string, string>, field = ""): unknown {
  const def = (schema as unknown as { _zod: { def: { type: string; shape?: Record<string, z.ZodType>; innerType?: z.ZodType; entries?: Record<string, string>; options?: z.ZodType[]; in?: z.ZodType; left?: z.ZodType; right?: z.ZodType } } })._zod.def;
  switch (def.type) {
    case "object": return Object.fromEntries(Object.entries(def.shape!).map(([k, v]) => [k, k === "org" ? org : sampleInput(v, org, ids, k)]));
    case "optional": case "default": case "nullable": case "prefault": return sampleInput(def.innerType!, org, ids, field);
    case "pipe": return sampleInput(def.in!, org, ids, field);
    case "intersection": return { ...(sampleInput(def.left!, org, ids) as object), ...(sampleInput(def.right!, org, ids) as object) };
    case "string":
      if (field in ids) return ids[field];
      if (/id$/i.test(field)) throw new Error(`isolation test: no victim fixture for id field "${field}"; add it to ids`);
      return VALID_STRINGS[field] ?? "x";
    case "number": return 10; // inside every range our inputs declare (limits, buckets, retries, cursors)
    case "boolean": return false;
    case "enum": return Object.values(def.entries!)[0];
    case "array": return [];
    case "record": return {};
    case "union": return sampleInput(def.options![0], org, ids, field);
    default: return undefined;
  }
}

function procedureInput(proc: { _def: { inputs: z.ZodType[] } }, org: string, ids: Record<string, string>) {
  return proc._def.inputs.reduce((acc, schema) => ({ ...acc, ...(sampleInput(schema, org, ids) as object) }), {});
}

describe("tenant isolation", () => {
  it("keeps every tRPC procedure inside the caller's organization", async () => {
    const a = await createOrgWithAdmin("Attacker");
    const { b, ids, secrets } = await victim();
    const attacker = await callerFor(a.adminId);
    const procedures = appRouter._def.procedures as unknown as Record<string, { _def: { inputs: z.ZodType[]; type: string } }>;
    expect(Object.keys(procedures).length).toBeGreaterThan(10);
    for (const [name, proc] of Object.entries(procedures)) {
      const invoke = (input: unknown) => {
        const fn = name.split(".").reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], attacker) as (i: unknown) => Promise<unknown>;
        return fn(input);
      };
      const takesOrg = proc._def.inputs.some((s) => (s as unknown as { shape?: object }).shape && "org" in (s as unknown as { shape: object }).shape);
      if (takesOrg) {
        // 1. Naming the victim's organization: the attacker is not a member.
        await expect(invoke(procedureInput(proc, b.slug, ids)), name).rejects.toMatchObject({ code: "NOT_FOUND" });
      }
      // 2. Own organization, victim's ids: refused, or an answer that holds nothing of the victim's.
      const input = procedureInput(proc, a.slug, ids);
      const aimsAtVictim = Object.values(ids).some((id) => JSON.stringify(input).includes(id));
      const result = await invoke(input).then((r) => ({ ok: true as const, r }), (e: { code: string }) => ({ ok: false as const, code: e.code }));
      if (result.ok) {
        const text = JSON.stringify(result.r) ?? "";
        for (const s of secrets) expect(text, `${name} leaked ${s}`).not.toContain(s);
      } else {
        // A call aimed at a victim's id must be refused as not found, not slip by on bad input.
        const expected = aimsAtVictim ? ["NOT_FOUND"] : ["NOT_FOUND", "FORBIDDEN", "BAD_REQUEST", "CONFLICT"];
        expect(expected, `${name} failed with ${result.code}`).toContain(result.code);
      }
    }
    // Nothing of the victim's was changed.
    const db = await getDb();
    const [run] = await db.select().from(runs).where(eq(runs.id, ids.runId));
    expect(run.desiredState).toBe("RUN");
    expect(await db.select().from(memberships).where(eq(memberships.orgId, b.orgId))).toHaveLength(2);
    expect((await db.select().from(apiKeys).where(eq(apiKeys.id, ids.keyId)))[0].revokedAt).toBeNull();
    expect(await db.select().from(invitations).where(eq(invitations.orgId, b.orgId))).toHaveLength(1);
  });

  it("keeps every REST route inside the credential's organization", async () => {
    const a = await createOrgWithAdmin("Attacker");
    const { ids } = await victim();
    const key = await apiKeyFor(a, "admin");
    const routes = findRoutes(path.resolve("app/api"));
    const NOT_TENANT_SCOPED: Record<string, string> = {
      "health": "liveness only, no data",
      "auth/[...nextauth]": "Auth.js sign-in endpoints",
      "trpc/[trpc]": "covered procedure by procedure above",
      "runner/tick": "protected by ANVIL_RUNNER_SECRET; touches no tenant data in its answer",
    };
    const tenantRoutes = routes.filter((r) => !(r.route in NOT_TENANT_SCOPED));
    expect(tenantRoutes.length).toBeGreaterThanOrEqual(6);
    const params: Record<string, string | string[]> = { runId: ids.runId, path: ["model", "model.json"] };
    for (const route of tenantRoutes) {
      const mod = (await import(/* @vite-ignore */ route.file)) as Record<string, RouteHandler>;
      const names = [...route.route.matchAll(/\[(?:\.\.\.)?(\w+)\]/g)].map((m) => m[1]);
      for (const n of names) if (!(n in params)) throw new Error(`isolation test: no victim fixture for path parameter "${n}" in ${route.route}`);
      for (const method of ["GET", "POST", "PUT", "PATCH", "DELETE"].filter((m) => m in mod)) {
        const opts = { method, params: Object.fromEntries(names.map((n) => [n, params[n]])), body: method === "GET" ? undefined : { metrics: [{ key: "x", value: 1, step: 0 }], params: { a: 1 }, tags: { a: "1" } } };
        const withKey = await call(mod[method], { ...opts, token: key });
        expect([403, 404], `${method} /api/${route.route} with another org's id → ${withKey.status}`).toContain(withKey.status);
        const anonymous = await call(mod[method], opts);
        expect(anonymous.status, `${method} /api/${route.route} without credentials`).toBe(401);
      }
    }
  });
});

function findRoutes(root: string): Array<{ route: string; file: string }> {
  const out: Array<{ route: string; file: string }> = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) walk(full);
      else if (e.name === "route.ts") out.push({ route: path.relative(root, dir), file: full });
    }
  };
  walk(root);
  return out;
}
