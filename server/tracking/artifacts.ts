import { randomUUID } from "node:crypto";
import { and, asc, eq, or, sql } from "drizzle-orm";
import type { Readable } from "node:stream";
import type { Db, DbOrTx } from "@/server/db/client";
import { artifacts } from "@/server/db/schema";
import { ConflictError, NotFoundError, ValidationError } from "@/server/errors";
import type { ObjectStore } from "@/server/storage/object-store";
import type { Actor } from "@/server/tenancy/actor";
import { recordAudit } from "@/server/tenancy/audit";

export const MAX_ARTIFACT_BYTES = 5 * 1024 ** 3;
export const MAX_ARTIFACT_PATH = 1024;
const MAX_SEGMENT_BYTES = 255;

/**
 * An artifact path: `/`-separated segments of at most 255 bytes, 1024 characters in all, no
 * empty, `.` or `..` segment, no backslash or control character. Stored objects are keyed by
 * a fresh id, not by this path, so no name can hit a filesystem limit or another file.
 */
export function assertArtifactPath(p: string): void {
  const problem = p.length === 0 ? "is empty"
    : p.length > MAX_ARTIFACT_PATH ? `is longer than ${MAX_ARTIFACT_PATH} characters`
    : /[\u0000-\u001f\u007f\\]/.test(p) ? "contains a control character or a backslash"
    : p.split("/").some((s) => s === "" || s === "." || s === "..") ? "has an empty, '.' or '..' segment"
    : p.split("/").some((s) => Buffer.byteLength(s) > MAX_SEGMENT_BYTES) ? `has a segment longer than ${MAX_SEGMENT_BYTES} bytes`
    : null;
  if (problem) throw new ValidationError(`artifact path ${problem}`);
}

/**
 * Streams the body to a new object, then points the artifact at it in one transaction (a
 * re-upload replaces it; concurrent uploads of one path each land whole, the last commit wins).
 * The object it replaced is deleted after the commit.
 */
export async function uploadArtifact(db: Db, store: ObjectStore, run: { id: string; orgId: string }, actor: Actor,
  input: { path: string; contentType: string; body: ReadableStream<Uint8Array> | Readable }) {
  assertArtifactPath(input.path);
  const contentType = /^[\w.+-]+\/[\w.+-]+(\s*;\s*[\w-]+=[\w.-]+)?$/.test(input.contentType) ? input.contentType : "application/octet-stream";
  const key = `artifacts/${run.orgId}/${run.id}/${randomUUID()}`;
  const stored = await store.put(key, input.body, { maxBytes: MAX_ARTIFACT_BYTES });
  let replaced: string | null = null;
  try {
    const row = await db.transaction(async (tx) => {
      // Serialise writers of one run's tree, so the file/directory check below cannot race.
      await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`artifacts:${run.id}`}))`);
      const clash = await tx.select({ path: artifacts.path }).from(artifacts).where(and(eq(artifacts.runId, run.id), or(
        sql`starts_with(${input.path}, ${artifacts.path} || '/')`,
        sql`starts_with(${artifacts.path}, ${`${input.path}/`})`,
      ))).limit(1);
      if (clash.length > 0) throw new ConflictError(`"${input.path}" clashes with the artifact "${clash[0].path}" (a path cannot be both a file and a folder)`);
      const [previous] = await tx.select({ storageKey: artifacts.storageKey }).from(artifacts).where(and(eq(artifacts.runId, run.id), eq(artifacts.path, input.path)));
      replaced = previous?.storageKey ?? null;
      const [saved] = await tx.insert(artifacts)
        .values({ runId: run.id, orgId: run.orgId, path: input.path, size: stored.size, sha256: stored.sha256, contentType, storageKey: key })
        .onConflictDoUpdate({ target: [artifacts.runId, artifacts.path], set: { size: stored.size, sha256: stored.sha256, contentType, storageKey: key, createdAt: sql`now()` } })
        .returning({ path: artifacts.path, size: artifacts.size, sha256: artifacts.sha256 });
      await recordAudit(tx, { orgId: run.orgId, actor, action: "artifact.upload", targetType: "run", targetId: run.id, details: { path: input.path, size: stored.size } });
      return saved;
    });
    if (replaced) await store.delete(replaced).catch(() => {});
    return row;
  } catch (err) {
    await store.delete(key).catch(() => {});
    throw err;
  }
}

export async function hasArtifact(db: DbOrTx, run: { id: string; orgId: string }, path: string): Promise<boolean> {
  const [row] = await db.select({ path: artifacts.path }).from(artifacts).where(and(eq(artifacts.orgId, run.orgId), eq(artifacts.runId, run.id), eq(artifacts.path, path)));
  return Boolean(row);
}

export async function listArtifacts(db: DbOrTx, orgId: string, runId: string) {
  return db.select({ path: artifacts.path, size: artifacts.size, sha256: artifacts.sha256, contentType: artifacts.contentType, createdAt: artifacts.createdAt })
    .from(artifacts).where(and(eq(artifacts.orgId, orgId), eq(artifacts.runId, runId))).orderBy(asc(artifacts.path));
}

/** The artifact's bytes, or only its first `headBytes` (previews of large files). */
export async function openArtifact(db: DbOrTx, store: ObjectStore, orgId: string, runId: string, path: string, headBytes?: number) {
  const [row] = await db.select().from(artifacts).where(and(eq(artifacts.orgId, orgId), eq(artifacts.runId, runId), eq(artifacts.path, path)));
  if (!row) throw new NotFoundError("Artifact");
  const partial = headBytes !== undefined && headBytes < row.size;
  const length = partial ? headBytes : row.size;
  const stream = length === 0 ? null : await store.get(row.storageKey, partial ? { start: 0, end: headBytes - 1 } : undefined);
  return { meta: row, stream, length, partial };
}
