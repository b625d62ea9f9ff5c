import { and, asc, desc, eq, ilike, sql } from "drizzle-orm";
import type { Db, DbOrTx } from "@/server/db/client";
import { modelAliases, modelEvents, modelVersions, registeredModels } from "@/server/db/schema";
import { ConflictError, NotFoundError, ValidationError } from "@/server/errors";
import type { Actor } from "@/server/tenancy/actor";
import { recordAudit } from "@/server/tenancy/audit";
import { aliasSchema, createModelSchema, modelNameSchema, STAGES, type Stage } from "./model-input";

export type Model = typeof registeredModels.$inferSelect;
export type Version = typeof modelVersions.$inferSelect;

/** One history row (shown on the model's page) and one audit row, in the caller's transaction. */
export async function recordModelEvent(tx: DbOrTx, model: Pick<Model, "id" | "orgId" | "name">, actor: Actor, action: string, details: Record<string, unknown> = {}, version?: number) {
  await tx.insert(modelEvents).values({ orgId: model.orgId, modelId: model.id, version: version ?? null, action, details, actor: actor.label });
  await recordAudit(tx, { orgId: model.orgId, actor, action: `model.${action}`, targetType: "model", targetId: model.id, details: { name: model.name, ...(version ? { version } : {}), ...details } });
}

export async function getModelRow(db: DbOrTx, orgId: string, name: string, lock = false): Promise<Model> {
  const query = db.select().from(registeredModels).where(and(eq(registeredModels.orgId, orgId), eq(registeredModels.name, name)));
  const [row] = lock ? await query.for("update") : await query;
  if (!row) throw new NotFoundError(`Model "${name}"`);
  return row;
}

export async function createModel(db: Db, orgId: string, actor: Actor, raw: unknown): Promise<Model> {
  const input = createModelSchema.parse(raw);
  return db.transaction(async (tx) => {
    const [model] = await tx.insert(registeredModels)
      .values({ orgId, name: input.name, description: input.description, tags: input.tags, createdBy: actor.kind === "user" ? actor.userId : null })
      .onConflictDoNothing().returning();
    if (!model) throw new ConflictError(`A model named "${input.name}" already exists`);
    await recordModelEvent(tx, model, actor, "create", { description: input.description });
    return model;
  });
}

/** The model, created on first use (registering a run's artifact under a new name). */
export async function ensureModel(tx: DbOrTx, orgId: string, actor: Actor, name: string): Promise<Model> {
  const valid = modelNameSchema.parse(name);
  const [created] = await tx.insert(registeredModels).values({ orgId, name: valid, createdBy: actor.kind === "user" ? actor.userId : null }).onConflictDoNothing().returning();
  if (created) await recordModelEvent(tx, created, actor, "create");
  return created ?? getModelRow(tx, orgId, valid);
}

export async function listModelRows(db: DbOrTx, orgId: string, opts: { search?: string; limit?: number; offset?: number } = {}) {
  const where = and(eq(registeredModels.orgId, orgId), opts.search ? ilike(registeredModels.name, `%${opts.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`) : undefined);
  return db.select().from(registeredModels).where(where).orderBy(desc(registeredModels.updatedAt), asc(registeredModels.name)).limit(opts.limit ?? 100).offset(opts.offset ?? 0);
}

export async function updateModel(db: Db, orgId: string, actor: Actor, name: string, set: { description?: string; newName?: string }) {
  return db.transaction(async (tx) => {
    const model = await getModelRow(tx, orgId, name, true);
    const newName = set.newName !== undefined ? modelNameSchema.parse(set.newName) : undefined;
    if (newName && newName !== name) {
      const [clash] = await tx.select({ id: registeredModels.id }).from(registeredModels).where(and(eq(registeredModels.orgId, orgId), eq(registeredModels.name, newName)));
      if (clash) throw new ConflictError(`A model named "${newName}" already exists`);
    }
    const [row] = await tx.update(registeredModels).set({
      ...(set.description !== undefined ? { description: set.description.slice(0, 5000) } : {}), ...(newName ? { name: newName } : {}), updatedAt: sql`now()`,
    }).where(eq(registeredModels.id, model.id)).returning();
    await recordModelEvent(tx, row, actor, newName && newName !== name ? "rename" : "update", newName && newName !== name ? { from: name, to: newName } : { description: set.description });
    return row;
  });
}

export async function deleteModel(db: Db, orgId: string, actor: Actor, name: string) {
  await db.transaction(async (tx) => {
    const model = await getModelRow(tx, orgId, name, true);
    // The history goes with the model; the audit log keeps the deletion.
    await recordAudit(tx, { orgId, actor, action: "model.delete", targetType: "model", targetId: model.id, details: { name } });
    await tx.delete(registeredModels).where(eq(registeredModels.id, model.id));
  });
}

/** Sets (value) or removes (null) a tag on the model, or on one of its versions. */
export async function setModelTag(db: Db, orgId: string, actor: Actor, name: string, key: string, value: string | null, version?: number) {
  if (!key || key.length > 250 || (value !== null && value.length > 5000)) throw new ValidationError("Tag keys are 1–250 characters, values at most 5,000");
  await db.transaction(async (tx) => {
    const model = await getModelRow(tx, orgId, name, true);
    const table = version === undefined ? registeredModels : modelVersions;
    const tags = value === null ? sql`${table.tags} - ${key}::text` : sql`${table.tags} || jsonb_build_object(${key}::text, ${value}::text)`;
    const where = version === undefined ? eq(registeredModels.id, model.id) : and(eq(modelVersions.modelId, model.id), eq(modelVersions.version, version));
    const updated = await tx.update(table as typeof modelVersions).set({ tags, updatedAt: sql`now()` } as never).where(where).returning({ id: table.id });
    if (updated.length === 0) throw new NotFoundError(`Version ${version} of "${name}"`);
    await recordModelEvent(tx, model, actor, value === null ? "delete-tag" : "set-tag", { key, ...(value !== null ? { value } : {}) }, version);
  });
}

export async function versionRow(db: DbOrTx, model: Pick<Model, "id" | "name">, version: number): Promise<Version> {
  const [row] = await db.select().from(modelVersions).where(and(eq(modelVersions.modelId, model.id), eq(modelVersions.version, version)));
  if (!row) throw new NotFoundError(`Version ${version} of "${model.name}"`);
  return row;
}

/** Points the alias at the version (moving it from another); one alias names one version. */
export async function setAlias(db: Db, orgId: string, actor: Actor, name: string, rawAlias: string, version: number) {
  const alias = aliasSchema.parse(rawAlias);
  await db.transaction(async (tx) => {
    const model = await getModelRow(tx, orgId, name, true);
    const target = await versionRow(tx, model, version);
    const [before] = await tx.select({ version: modelVersions.version }).from(modelAliases).innerJoin(modelVersions, eq(modelVersions.id, modelAliases.versionId))
      .where(and(eq(modelAliases.modelId, model.id), eq(modelAliases.alias, alias)));
    await tx.insert(modelAliases).values({ modelId: model.id, alias, orgId, versionId: target.id })
      .onConflictDoUpdate({ target: [modelAliases.modelId, modelAliases.alias], set: { versionId: target.id, setAt: sql`now()` } });
    await tx.update(registeredModels).set({ updatedAt: sql`now()` }).where(eq(registeredModels.id, model.id));
    await recordModelEvent(tx, model, actor, "set-alias", { alias, ...(before ? { from: before.version } : {}) }, version);
  });
}

export async function deleteAlias(db: Db, orgId: string, actor: Actor, name: string, alias: string) {
  await db.transaction(async (tx) => {
    const model = await getModelRow(tx, orgId, name, true);
    const removed = await tx.delete(modelAliases).where(and(eq(modelAliases.modelId, model.id), eq(modelAliases.alias, alias))).returning();
    if (removed.length === 0) throw new NotFoundError(`Alias "${alias}" of "${name}"`);
    await recordModelEvent(tx, model, actor, "delete-alias", { alias });
  });
}

export async function versionByAlias(db: DbOrTx, orgId: string, name: string, alias: string): Promise<Version> {
  const model = await getModelRow(db, orgId, name);
  const [row] = await db.select({ v: modelVersions }).from(modelAliases).innerJoin(modelVersions, eq(modelVersions.id, modelAliases.versionId))
    .where(and(eq(modelAliases.modelId, model.id), eq(modelAliases.alias, alias)));
  if (!row) throw new NotFoundError(`Alias "${alias}" of "${name}"`);
  return row.v;
}

/** MLflow's stage move; `archiveExisting` sends the versions already in that stage to Archived. */
export async function transitionStage(db: Db, orgId: string, actor: Actor, name: string, version: number, stage: Stage, archiveExisting: boolean) {
  if (!STAGES.includes(stage)) throw new ValidationError(`Stages are ${STAGES.join(", ")}`);
  return db.transaction(async (tx) => {
    const model = await getModelRow(tx, orgId, name, true);
    const target = await versionRow(tx, model, version);
    if (archiveExisting && (stage === "Staging" || stage === "Production")) {
      const archived = await tx.update(modelVersions).set({ stage: "Archived", updatedAt: sql`now()` })
        .where(and(eq(modelVersions.modelId, model.id), eq(modelVersions.stage, stage), sql`${modelVersions.id} <> ${target.id}`)).returning({ version: modelVersions.version });
      for (const a of archived) await recordModelEvent(tx, model, actor, "transition-stage", { from: stage, to: "Archived", because: `version ${version} entered ${stage}` }, a.version);
    }
    const [row] = await tx.update(modelVersions).set({ stage, updatedAt: sql`now()` }).where(eq(modelVersions.id, target.id)).returning();
    await tx.update(registeredModels).set({ updatedAt: sql`now()` }).where(eq(registeredModels.id, model.id));
    await recordModelEvent(tx, model, actor, "transition-stage", { from: target.stage, to: stage }, version);
    return row;
  });
}
