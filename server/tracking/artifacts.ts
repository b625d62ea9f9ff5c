import { and, asc, eq } from "drizzle-orm";
import type { Readable } from "node:stream";
import type { Db, DbOrTx } from "@/server/db/client";
import { artifacts } from "@/server/db/schema";
import { NotFoundError } from "@/server/errors";
import { assertSafeKey, type ObjectStore } from "@/server/storage/object-store";
import type { Actor } from "@/server/tenancy/actor";
import { recordAudit } from "@/server/tenancy/audit";

export const MAX_ARTIFACT_BYTES = 5 * 1024 ** 3;

/** Streams the body to the object store, then records it; a re-upload of a path replaces it. */
export async function uploadArtifact(db: Db, store: ObjectStore, run: { id: string; orgId: string }, actor: Actor,
  input: { path: string; contentType: string; body: ReadableStream<Uint8Array> | Readable }) {
  assertSafeKey(input.path);
  const key = `artifacts/${run.orgId}/${run.id}/${input.path}`;
  const stored = await store.put(key, input.body, { maxBytes: MAX_ARTIFACT_BYTES });
  return db.transaction(async (tx) => {
    const [row] = await tx.insert(artifacts)
      .values({ runId: run.id, orgId: run.orgId, path: input.path, size: stored.size, sha256: stored.sha256, contentType: input.contentType, storageKey: key })
      .onConflictDoUpdate({ target: [artifacts.runId, artifacts.path], set: { size: stored.size, sha256: stored.sha256, contentType: input.contentType, storageKey: key } })
      .returning({ path: artifacts.path, size: artifacts.size, sha256: artifacts.sha256 });
    await recordAudit(tx, { orgId: run.orgId, actor, action: "artifact.upload", targetType: "run", targetId: run.id, details: { path: input.path, size: stored.size } });
    return row;
  });
}

export async function listArtifacts(db: DbOrTx, orgId: string, runId: string) {
  return db.select({ path: artifacts.path, size: artifacts.size, sha256: artifacts.sha256, contentType: artifacts.contentType, createdAt: artifacts.createdAt })
    .from(artifacts).where(and(eq(artifacts.orgId, orgId), eq(artifacts.runId, runId))).orderBy(asc(artifacts.path));
}

export async function openArtifact(db: DbOrTx, store: ObjectStore, orgId: string, runId: string, path: string) {
  const [row] = await db.select().from(artifacts).where(and(eq(artifacts.orgId, orgId), eq(artifacts.runId, runId), eq(artifacts.path, path)));
  if (!row) throw new NotFoundError("Artifact");
  return { meta: row, stream: await store.get(row.storageKey) };
}
