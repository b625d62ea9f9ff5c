import { and, eq, sql } from "drizzle-orm";
import { bigint, bigserial, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import postgres from "postgres";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/server/db/client";
import { auditLog, lifecycleAllowedTransitions, lifecycleTransitions } from "@/server/db/schema";
import { defineLifecycle } from "@/server/runner/lifecycle";
import { runLifecycle } from "@/server/runner/run-lifecycle";
import { runOnce, type Controller } from "@/server/runner/runner";
import { systemActor } from "@/server/tenancy/actor";
import { createOrgWithAdmin } from "../helpers/fixtures";
import { testRunnerOptions } from "../helpers/runner";

/**
 * A second lifecycle needs no plumbing of its own: a table with the standard columns and a
 * definition. This toy one (a parcel: NEW → PACKED → SHIPPED, or LOST) goes through everything
 * runs get — creation, compare-and-set transitions with audit and notify, database-checked
 * pairs, follow-up work in the same transaction, leases and the runner loop.
 */
const parcels = pgTable("toy_parcels", {
  id: uuid("id").primaryKey().defaultRandom(),
  orgId: uuid("org_id").notNull(),
  seq: bigserial("seq", { mode: "number" }).notNull(),
  status: text("status").notNull(),
  version: bigint("version", { mode: "number" }).notNull().default(0),
  leaseOwner: text("lease_owner"),
  leaseExpiresAt: timestamp("lease_expires_at", { withTimezone: true }),
  nextCheckAt: timestamp("next_check_at", { withTimezone: true }).defaultNow(),
  label: text("label").notNull(),
  shippedAt: timestamp("shipped_at", { withTimezone: true }),
});
const shipments = pgTable("toy_shipments", { parcelId: uuid("parcel_id").notNull(), note: text("note").notNull() });

const parcelLifecycle = defineLifecycle({
  name: "toy_parcel",
  table: parcels,
  statuses: ["NEW", "PACKED", "SHIPPED", "LOST"],
  initial: "NEW",
  transitions: { NEW: ["PACKED", "LOST"], PACKED: ["SHIPPED", "LOST"], SHIPPED: [], LOST: [] },
  terminal: ["SHIPPED", "LOST"],
  enterColumns: (to) => (to === "SHIPPED" ? { shippedAt: sql`now()` } : {}),
  onEnter: async (tx, { row, to }) => {
    if (to === "SHIPPED") await tx.insert(shipments).values({ parcelId: row.id, note: `shipped ${row.label}` });
  },
});

const actor = systemActor("test");

beforeAll(async () => {
  const db = await getDb();
  await db.execute(sql`create table toy_parcels (
    id uuid primary key default gen_random_uuid(), org_id uuid not null, seq bigserial not null, status text not null,
    version bigint not null default 0, lease_owner text, lease_expires_at timestamptz, next_check_at timestamptz default now(),
    label text not null, shipped_at timestamptz)`);
  await db.execute(sql`create table toy_shipments (parcel_id uuid not null, note text not null)`);
});

async function newParcel(orgId: string, label = "box") {
  const db = await getDb();
  return db.transaction((tx) => parcelLifecycle.create(tx, { values: { orgId, label }, actor, reason: "ordered" }));
}

describe("a second lifecycle on the same machinery", () => {
  it("creates with a transition row, an audit row and its statuses registered", async () => {
    const t = await createOrgWithAdmin();
    const parcel = await newParcel(t.orgId);
    expect(parcel).toMatchObject({ status: "NEW", version: 1 });
    const db = await getDb();
    const rows = await db.select().from(lifecycleTransitions).where(eq(lifecycleTransitions.entityId, parcel.id));
    expect(rows).toMatchObject([{ lifecycle: "toy_parcel", fromStatus: null, toStatus: "NEW", version: 1, reason: "ordered" }]);
    expect(await db.select().from(auditLog).where(and(eq(auditLog.targetId, parcel.id), eq(auditLog.action, "toy_parcel.create")))).toHaveLength(1);
    const pairs = await db.select().from(lifecycleAllowedTransitions).where(eq(lifecycleAllowedTransitions.lifecycle, "toy_parcel"));
    expect(pairs.map((p) => `${p.fromStatus}->${p.toStatus}`).sort()).toEqual(parcelLifecycle.pairs().map(([a, b]) => `${a}->${b}`).sort());
  });

  it("moves by compare-and-set: a stale version loses, an illegal pair is refused by the code and by the database", async () => {
    const t = await createOrgWithAdmin();
    const parcel = await newParcel(t.orgId);
    const db = await getDb();
    const packed = await db.transaction((tx) => parcelLifecycle.transition(tx, { id: parcel.id, orgId: t.orgId, from: "NEW", to: "PACKED", version: 1, actor }));
    expect(packed).toMatchObject({ ok: true, version: 2 });
    const stale = await db.transaction((tx) => parcelLifecycle.transition(tx, { id: parcel.id, orgId: t.orgId, from: "NEW", to: "LOST", version: 1, actor }));
    expect(stale).toEqual({ ok: false });
    const stranger = (await createOrgWithAdmin()).orgId;
    const otherOrg = await db.transaction((tx) => parcelLifecycle.transition(tx, { id: parcel.id, orgId: stranger, from: "PACKED", to: "SHIPPED", version: 2, actor }));
    expect(otherOrg).toEqual({ ok: false });
    await expect(db.transaction((tx) => parcelLifecycle.transition(tx, { id: parcel.id, orgId: t.orgId, from: "PACKED", to: "NEW", version: 2, actor }))).rejects.toThrow(/illegal toy_parcel transition/);
    await expect(db.insert(lifecycleTransitions).values({ lifecycle: "toy_parcel", entityId: parcel.id, version: 99, orgId: t.orgId, fromStatus: "SHIPPED", toStatus: "NEW", actor: "x" })).rejects.toThrow();
    await expect(db.insert(lifecycleTransitions).values({ lifecycle: "toy_parcel", entityId: parcel.id, version: 98, orgId: t.orgId, fromStatus: null, toStatus: "MISSING", actor: "x" })).rejects.toThrow();
  });

  it("does follow-up work in the transaction of the change: a rollback undoes status, history, audit and follow-up together", async () => {
    const t = await createOrgWithAdmin();
    const parcel = await newParcel(t.orgId, "vase");
    const db = await getDb();
    await db.transaction((tx) => parcelLifecycle.transition(tx, { id: parcel.id, orgId: t.orgId, from: "NEW", to: "PACKED", version: 1, actor }));
    await expect(db.transaction(async (tx) => {
      await parcelLifecycle.transition(tx, { id: parcel.id, orgId: t.orgId, from: "PACKED", to: "SHIPPED", version: 2, actor });
      throw new Error("courier refused");
    })).rejects.toThrow("courier refused");
    expect((await db.select().from(parcels).where(eq(parcels.id, parcel.id)))[0]).toMatchObject({ status: "PACKED", version: 2, shippedAt: null });
    expect(await db.select().from(shipments).where(eq(shipments.parcelId, parcel.id))).toHaveLength(0);
    expect(await db.select().from(lifecycleTransitions).where(eq(lifecycleTransitions.entityId, parcel.id))).toHaveLength(2);
    const shipped = await db.transaction((tx) => parcelLifecycle.transition(tx, { id: parcel.id, orgId: t.orgId, from: "PACKED", to: "SHIPPED", version: 2, actor }));
    expect(shipped.ok && shipped.row.shippedAt).toBeInstanceOf(Date);
    expect(shipped.ok && shipped.row.nextCheckAt).toBeNull(); // terminal: never due again
    expect(await db.select().from(shipments).where(eq(shipments.parcelId, parcel.id))).toEqual([{ parcelId: parcel.id, note: "shipped vase" }]);
  });

  it("notifies its own channel on every change", async () => {
    const t = await createOrgWithAdmin();
    const listener = postgres(process.env.DATABASE_URL!, { max: 1, onnotice: () => {} });
    const heard: string[] = [];
    await listener.listen("anvil_toy_parcel", (payload) => heard.push(payload));
    const parcel = await newParcel(t.orgId);
    const deadline = Date.now() + 5_000;
    while (heard.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await listener.end();
    expect(heard.map((h) => JSON.parse(h))).toContainEqual({ id: parcel.id, status: "NEW" });
  });

  it("gets leases and the runner loop for free: claimed once, fenced after a revoke, driven to its end", async () => {
    const t = await createOrgWithAdmin();
    const db = await getDb();
    const ids = await Promise.all(Array.from({ length: 12 }, async () => (await newParcel(t.orgId)).id));
    const claims = await Promise.all(Array.from({ length: 4 }, (_, i) => parcelLifecycle.claimDue(db, { owner: `r${i}`, leaseSeconds: 30, limit: 5, where: sql`${parcels.orgId} = ${t.orgId}` })));
    const claimed = claims.flat().map((p) => p.id);
    expect(new Set(claimed).size).toBe(claimed.length);
    expect(claimed.sort()).toEqual([...ids].sort());
    // Which claimer got what depends on timing: take any claimed row and its holder.
    const holderIndex = claims.findIndex((c) => c.length > 0);
    const [held, holder] = [claims[holderIndex][0], `r${holderIndex}`];
    expect(await parcelLifecycle.renewLeases(db, holder, [held.id], 30)).toEqual(new Set([held.id]));
    await db.transaction((tx) => parcelLifecycle.requestChange(tx, { id: held.id, orgId: t.orgId }, { label: "recalled" }));
    expect(await parcelLifecycle.renewLeases(db, holder, [held.id], 30)).toEqual(new Set());
    expect(await db.transaction((tx) => parcelLifecycle.transition(tx, { id: held.id, orgId: t.orgId, from: "NEW", to: "PACKED", version: held.version, leaseOwner: holder, actor }))).toEqual({ ok: false });
    for (let i = 0; i < 4; i++) await parcelLifecycle.releaseAll(db, `r${i}`);

    const controller: Controller<typeof parcels> = {
      lifecycle: parcelLifecycle,
      claimFilter: () => sql`${parcels.orgId} = ${t.orgId}`,
      reconcile: async (database, opts, row) => {
        const next = row.status === "NEW" ? "PACKED" : "SHIPPED";
        await database.transaction((tx) => parcelLifecycle.transition(tx, { id: row.id, orgId: row.orgId, from: row.status as "NEW" | "PACKED", to: next, version: row.version, leaseOwner: opts.owner, actor }));
        await parcelLifecycle.release(database, { id: row.id, version: row.version + 1 }, opts.owner, 0);
      },
    };
    const opts = testRunnerOptions();
    for (let pass = 0; pass < 3; pass++) await runOnce(db, opts, [controller as unknown as Controller]);
    const rows = await db.select().from(parcels).where(eq(parcels.orgId, t.orgId));
    expect(rows.map((r) => r.status)).toEqual(Array(12).fill("SHIPPED"));
    expect(await db.select().from(shipments).where(sql`${shipments.parcelId} in ${ids}`)).toHaveLength(12);
  });
});

describe("the run lifecycle's rows in the database", () => {
  it("hold exactly the pairs and statuses its module declares", async () => {
    await runLifecycle.register();
    const db = await getDb();
    const pairs = await db.select().from(lifecycleAllowedTransitions).where(eq(lifecycleAllowedTransitions.lifecycle, "run"));
    expect(pairs.map((p) => `${p.fromStatus}->${p.toStatus}`).sort()).toEqual(runLifecycle.pairs().map(([a, b]) => `${a}->${b}`).sort());
  });
});
