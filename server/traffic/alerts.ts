import { and, desc, eq, isNull, sql } from "drizzle-orm";
import type { Db, DbOrTx } from "@/server/db/client";
import { inferenceServices, serviceAlerts } from "@/server/db/schema";
import { log } from "@/server/log";

/**
 * Alerts on a service (SLO breach, drift, rollback): a row shown in the app and, when the
 * service has a webhook, a JSON POST to it. The same condition (its dedupe key) raises one alert
 * per quarter hour, not one per check.
 */

const QUIET_MINUTES = 15;
const WEBHOOK_TIMEOUT_MS = 5000;

type Kind = (typeof serviceAlerts.$inferSelect)["kind"];
export interface AlertInput { kind: Kind; key: string; message: string; details?: Record<string, unknown> }

/**
 * Inserts the alert unless the same one was raised in this quarter hour (by any runner: a unique
 * index decides); returns its id, to deliver after the commit.
 */
export async function raiseAlert(tx: DbOrTx, service: { id: string; orgId: string }, a: AlertInput): Promise<number | null> {
  const slot = Math.floor(Date.now() / (QUIET_MINUTES * 60_000));
  const [row] = await tx.insert(serviceAlerts).values({ orgId: service.orgId, serviceId: service.id, kind: a.kind, dedupeKey: a.key, slot, message: a.message, details: a.details ?? null })
    .onConflictDoNothing().returning({ id: serviceAlerts.id });
  return row?.id ?? null;
}

/** Posts an alert to its service's webhook and records what it answered. Never throws. */
export async function deliverAlert(db: Db, alertId: number | null): Promise<void> {
  if (alertId === null) return;
  const [row] = await db.select({ alert: serviceAlerts, webhook: inferenceServices.alertWebhook, service: inferenceServices.name })
    .from(serviceAlerts).innerJoin(inferenceServices, eq(inferenceServices.id, serviceAlerts.serviceId)).where(eq(serviceAlerts.id, alertId));
  if (!row?.webhook) return;
  let delivery: string;
  try {
    const res = await fetch(row.webhook, {
      method: "POST", headers: { "content-type": "application/json", "user-agent": "Anvil-Alerts/1" }, signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS), redirect: "manual",
      body: JSON.stringify({ service: row.service, serviceId: row.alert.serviceId, kind: row.alert.kind, message: row.alert.message, details: row.alert.details, at: row.alert.at.toISOString() }),
    });
    delivery = String(res.status);
    await res.body?.cancel();
  } catch (err) {
    delivery = (err as Error).name === "TimeoutError" ? "timeout" : `failed: ${(err as Error).message}`.slice(0, 200);
    log.warn("alerts: webhook delivery failed", { alertId, delivery });
  }
  await db.update(serviceAlerts).set({ delivery }).where(eq(serviceAlerts.id, alertId));
}

export const alertsOf = (db: DbOrTx, serviceId: string, limit = 50) =>
  db.select().from(serviceAlerts).where(eq(serviceAlerts.serviceId, serviceId)).orderBy(desc(serviceAlerts.at), desc(serviceAlerts.id)).limit(limit);

export async function acknowledgeAlerts(db: DbOrTx, service: { id: string; orgId: string }): Promise<number> {
  const rows = await db.update(serviceAlerts).set({ acknowledgedAt: sql`now()` })
    .where(and(eq(serviceAlerts.serviceId, service.id), eq(serviceAlerts.orgId, service.orgId), isNull(serviceAlerts.acknowledgedAt))).returning({ id: serviceAlerts.id });
  return rows.length;
}
