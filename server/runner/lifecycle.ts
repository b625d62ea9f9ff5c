import { and, eq, sql, type SQL } from "drizzle-orm";
import { getDb, type DbOrTx } from "@/server/db/client";
import { lifecycleAllowedTransitions, lifecycleStatuses, lifecycleTransitions } from "@/server/db/schema";
import type { Actor } from "@/server/tenancy/actor";
import { recordAudit } from "@/server/tenancy/audit";
import { createLeases, type Leases } from "./leases";
import type { ColumnValues, LifecycleTable } from "./lifecycle-table";

export type { ColumnValues, LifecycleTable } from "./lifecycle-table";

/**
 * One machinery for every state machine (runs today; pipeline tasks, sweeps, rollouts and
 * evaluation runs next). A lifecycle module declares its statuses and legal transitions once;
 * from that declaration come the predicates, the rows the database checks every transition
 * against, the claim's "still active" filter and the status types the UI is checked against.
 */

type Row<T extends LifecycleTable> = T["$inferSelect"];

export interface StatusChange<S extends string, T extends LifecycleTable> {
  row: Row<T>;
  from: S | null;
  to: S;
  actor: Actor;
  reason: string | null;
}

export interface LifecycleDefinition<S extends string, T extends LifecycleTable> {
  /** Names the audit actions (`<name>.<status>`), the audit target type and the notify channel. */
  name: string;
  table: T;
  statuses: readonly S[];
  initial: S;
  transitions: Readonly<Record<S, readonly S[]>>;
  terminal: readonly S[];
  /** Columns the compare-and-set writes on entering a status; a request's own `set` wins. */
  enterColumns?: (to: S) => ColumnValues<T>;
  /** Follow-up work in the transaction of the change (tokens to expire, work to enqueue, …). */
  onEnter?: (tx: DbOrTx, change: StatusChange<S, T>) => Promise<void>;
}

export interface TransitionRequest<S extends string, T extends LifecycleTable> {
  id: string;
  orgId: string;
  from: S;
  to: S;
  /** The version the caller read; the write lands only if nobody moved the entity since. */
  version: number;
  /** When set, the caller must still hold the lease (runner writes). */
  leaseOwner?: string;
  /** A further condition the row must still meet at write time (re-checked under the row lock). */
  guard?: SQL;
  actor: Actor;
  reason?: string;
  set?: ColumnValues<T>;
}

export type TransitionResult<T extends LifecycleTable> = { ok: true; version: number; row: Row<T> } | { ok: false };

export interface Lifecycle<S extends string, T extends LifecycleTable> extends Leases<T> {
  readonly name: string;
  readonly table: T;
  readonly statuses: readonly S[];
  readonly initial: S;
  readonly terminal: readonly S[];
  readonly active: readonly S[];
  canTransition(from: S, to: S): boolean;
  isTerminal(status: string): boolean;
  /** Every legal pair, in declaration order. */
  pairs(): Array<[S, S]>;
  /** Inserts the entity in its initial status, with its creation transition, audit row and notify. */
  create(tx: DbOrTx, input: { values: ColumnValues<T>; actor: Actor; reason?: string; audit?: { action: string; details?: Record<string, unknown> } }): Promise<Row<T>>;
  /**
   * The one way a status changes: compare-and-set on (status, version[, lease owner]), version
   * bump, transition row (FK-checked against the allowed pairs), audit row, `pg_notify` and
   * `onEnter` — in the caller's transaction. `{ok:false}` means someone else won: drop the work.
   */
  transition(tx: DbOrTx, req: TransitionRequest<S, T>): Promise<TransitionResult<T>>;
  /**
   * Records a new desired state on an active entity (cancel, suspend): bumps the version, which
   * fences whoever holds the lease, and makes it due at once. Null when it is not active.
   */
  requestChange(tx: DbOrTx, target: { id: string; orgId: string }, set: ColumnValues<T>, guard?: SQL): Promise<Row<T> | null>;
  /** Writes this lifecycle's statuses and pairs where the database checks them (once per process). */
  register(): Promise<void>;
}

export function defineLifecycle<const S extends string, T extends LifecycleTable>(def: LifecycleDefinition<S, T>): Lifecycle<S, T> {
  for (const s of def.terminal) {
    if (def.transitions[s].length > 0) throw new Error(`lifecycle ${def.name}: terminal status ${s} has transitions`);
  }
  const table = def.table;
  const active = def.statuses.filter((s) => !def.terminal.includes(s));
  const channel = `anvil_${def.name}`;
  const isTerminal = (s: string) => (def.terminal as readonly string[]).includes(s);
  const canTransition = (from: S, to: S) => def.transitions[from]?.includes(to) ?? false;
  const pairs = () => def.statuses.flatMap((from) => def.transitions[from].map((to): [S, S] => [from, to]));

  let registered: Promise<void> | undefined;
  const register = () => {
    // On its own connection, not the caller's transaction: a rollback there must not undo it.
    registered ??= (async () => {
      const db = await getDb();
      await db.insert(lifecycleStatuses).values(def.statuses.map((status) => ({ lifecycle: def.name, status, terminal: isTerminal(status) })))
        .onConflictDoUpdate({ target: [lifecycleStatuses.lifecycle, lifecycleStatuses.status], set: { terminal: sql`excluded.terminal` } });
      const legal = pairs();
      if (legal.length > 0) {
        await db.insert(lifecycleAllowedTransitions).values(legal.map(([fromStatus, toStatus]) => ({ lifecycle: def.name, fromStatus, toStatus }))).onConflictDoNothing();
      }
    })().catch((err) => {
      registered = undefined;
      throw err;
    });
    return registered;
  };

  const afterChange = async (tx: DbOrTx, change: StatusChange<S, T>, version: number, orgId: string, audit: { action: string; details?: Record<string, unknown> }) => {
    const id = (change.row as { id: string }).id;
    await tx.insert(lifecycleTransitions).values({
      lifecycle: def.name, entityId: id, version, orgId, fromStatus: change.from, toStatus: change.to, actor: change.actor.label, reason: change.reason,
    });
    await recordAudit(tx, { orgId, actor: change.actor, action: audit.action, targetType: def.name, targetId: id, details: audit.details });
    await tx.execute(sql`select pg_notify(${channel}, ${JSON.stringify({ id, status: change.to })})`);
    await def.onEnter?.(tx, change);
  };

  const leaveActive = (to: S) => (isTerminal(to) ? { leaseOwner: null, leaseExpiresAt: null, nextCheckAt: null } : {});

  return {
    name: def.name, table, statuses: def.statuses, initial: def.initial, terminal: def.terminal, active,
    canTransition, isTerminal, pairs, register,
    ...createLeases(table, active),

    async create(tx, input) {
      await register();
      const values = { ...def.enterColumns?.(def.initial), ...input.values, status: def.initial, version: 1 };
      const [row] = (await tx.insert(table).values(values as never).returning()) as Row<T>[];
      const orgId = (row as { orgId: string }).orgId;
      const change: StatusChange<S, T> = { row, from: null, to: def.initial, actor: input.actor, reason: input.reason ?? null };
      await afterChange(tx, change, 1, orgId, input.audit ?? { action: `${def.name}.create` });
      return row;
    },

    async transition(tx, req) {
      if (!canTransition(req.from, req.to)) throw new Error(`illegal ${def.name} transition ${req.from} → ${req.to}`);
      await register();
      const conditions = [eq(table.id, req.id), eq(table.orgId, req.orgId), eq(table.status, req.from), eq(table.version, req.version)];
      if (req.leaseOwner) conditions.push(eq(table.leaseOwner, req.leaseOwner));
      if (req.guard) conditions.push(req.guard);
      const set = { ...leaveActive(req.to), ...def.enterColumns?.(req.to), ...req.set, status: req.to, version: sql`${table.version} + 1` };
      const updated = (await tx.update(table).set(set as never).where(and(...conditions)).returning()) as Row<T>[];
      if (updated.length === 0) return { ok: false };
      const row = updated[0];
      const version = (row as { version: number }).version;
      const change: StatusChange<S, T> = { row, from: req.from, to: req.to, actor: req.actor, reason: req.reason ?? null };
      await afterChange(tx, change, version, req.orgId, {
        action: `${def.name}.${req.to.toLowerCase()}`,
        details: { from: req.from, to: req.to, ...(req.reason ? { reason: req.reason } : {}) },
      });
      return { ok: true, version, row };
    },

    async requestChange(tx, target, set, guard) {
      const [row] = (await tx.update(table)
        .set({ ...set, version: sql`${table.version} + 1`, leaseOwner: null, leaseExpiresAt: null, nextCheckAt: sql`now()` } as never)
        .where(and(eq(table.id, target.id), eq(table.orgId, target.orgId), sql`${table.status} in ${active}`, guard))
        .returning()) as Row<T>[];
      return row ?? null;
    },
  };
}
