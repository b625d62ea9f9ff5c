import { and, desc, eq, gte, ilike, lt, type SQL } from "drizzle-orm";
import type { DbOrTx } from "@/server/db/client";
import { auditLog } from "@/server/db/schema";
import type { Actor } from "./actor";

export interface AuditEntry {
  orgId: string | null;
  actor: Actor;
  action: string;
  targetType: string;
  targetId?: string | null;
  details?: Record<string, unknown>;
}

/** Call inside the transaction of the mutation it records (Unkey's habit): both land or neither. */
export async function recordAudit(tx: DbOrTx, entry: AuditEntry): Promise<void> {
  await tx.insert(auditLog).values({
    orgId: entry.orgId,
    actorUserId: entry.actor.kind === "user" ? entry.actor.userId : null,
    actorApiKeyId: entry.actor.kind === "apiKey" ? entry.actor.apiKeyId : null,
    actorLabel: entry.actor.label,
    action: entry.action,
    targetType: entry.targetType,
    targetId: entry.targetId ?? null,
    details: entry.details ?? {},
  });
}

export interface AuditFilter { action?: string; actor?: string; before?: number; since?: Date; limit: number }

/** Newest first, keyset-paginated by id (`before`). */
export async function listAudit(db: DbOrTx, orgId: string, filter: AuditFilter) {
  const where: SQL[] = [eq(auditLog.orgId, orgId)];
  if (filter.action) where.push(ilike(auditLog.action, `%${escapeLike(filter.action)}%`));
  if (filter.actor) where.push(ilike(auditLog.actorLabel, `%${escapeLike(filter.actor)}%`));
  if (filter.before) where.push(lt(auditLog.id, filter.before));
  if (filter.since) where.push(gte(auditLog.at, filter.since));
  const rows = await db.select().from(auditLog).where(and(...where)).orderBy(desc(auditLog.id)).limit(filter.limit + 1);
  return { items: rows.slice(0, filter.limit), nextBefore: rows.length > filter.limit ? rows[filter.limit - 1].id : null };
}

function escapeLike(s: string) {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}
