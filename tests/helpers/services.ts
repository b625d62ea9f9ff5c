import { eq } from "drizzle-orm";
import { getDb } from "@/server/db/client";
import { inferenceServices, serviceReplicas } from "@/server/db/schema";
import { runOnce, type RunnerOptions } from "@/server/runner/runner";

type ServiceRow = typeof inferenceServices.$inferSelect;
type ReplicaRow = typeof serviceReplicas.$inferSelect;

/** Runs the runner (the service due at once each time) until the service and its replicas satisfy `ok`. */
export async function driveServiceUntil(opts: RunnerOptions, serviceId: string, ok: (s: ServiceRow, replicas: ReplicaRow[]) => boolean, timeoutMs = 60_000, pauseMs = 150) {
  const db = await getDb();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await runOnce(db, opts);
    const [s] = await db.select().from(inferenceServices).where(eq(inferenceServices.id, serviceId));
    const replicas = await db.select().from(serviceReplicas).where(eq(serviceReplicas.serviceId, serviceId));
    if (ok(s, replicas)) return { s, replicas };
    if (Date.now() > deadline) throw new Error(`service stayed ${s.status} (${s.statusMessage}); replicas ${replicas.map((r) => `${r.state} ${r.lastError ?? ""}`).join("; ")}`);
    await db.update(inferenceServices).set({ nextCheckAt: new Date(0) }).where(eq(inferenceServices.id, serviceId));
    await new Promise((r) => setTimeout(r, pauseMs));
  }
}
