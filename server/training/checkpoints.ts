import { and, eq, sql } from "drizzle-orm";
import type { Db } from "@/server/db/client";
import { artifacts, runs } from "@/server/db/schema";
import { ValidationError } from "@/server/errors";
import { runLifecycle } from "@/server/runner/run-lifecycle";
import { getObjectStore } from "@/server/storage";
import type { Actor } from "@/server/tenancy/actor";
import { openArtifact, uploadArtifact } from "@/server/tracking/artifacts";
import { getRunRow } from "@/server/tracking/runs";

/** Where a resumed job finds its checkpoint among its own artifacts (ANVIL_RESUME_FROM). */
export const RESUME_DIR = "resume";

/** The checkpoint must exist in the organization before a job is queued to resume from it. */
export async function assertCheckpoint(db: Db, orgId: string, from: { runId: string; path: string }): Promise<void> {
  await getRunRow(db, orgId, from.runId); // another organization's run is not found, whatever it holds
  const [row] = await db.select({ path: artifacts.path }).from(artifacts)
    .where(and(eq(artifacts.orgId, orgId), eq(artifacts.runId, from.runId), eq(artifacts.path, from.path)));
  if (!row) throw new ValidationError(`No artifact "${from.path}" in run ${from.runId} to resume from`);
}

/**
 * Copies the checkpoint into the new run (its token reads only its own artifacts), then lets
 * the runner start it. If the copy fails the run fails, saying why: it never starts without it.
 */
export async function copyCheckpoint(db: Db, org: { id: string }, actor: Actor, from: { runId: string; path: string }, run: { id: string; orgId: string; version: number }) {
  const store = getObjectStore();
  try {
    const source = await openArtifact(db, store, org.id, from.runId, from.path);
    const body = source.stream ?? new ReadableStream<Uint8Array>({ start: (c) => c.close() });
    await uploadArtifact(db, store, run, actor, { path: `${RESUME_DIR}/${from.path.split("/").pop()}`, contentType: source.meta.contentType, body });
    await db.update(runs).set({ nextCheckAt: sql`now()` }).where(and(eq(runs.id, run.id), eq(runs.status, "QUEUED")));
  } catch (err) {
    await db.transaction((tx) => runLifecycle.transition(tx, {
      id: run.id, orgId: run.orgId, from: "QUEUED", to: "FAILED", version: run.version, actor, reason: "checkpoint copy failed",
      set: { statusMessage: `Could not copy the checkpoint ${from.path}: ${(err as Error).message}` },
    }));
  }
}
