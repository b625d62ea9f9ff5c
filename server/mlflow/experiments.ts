import { and, asc, eq, ilike, isNotNull, isNull, like, ne, sql, type SQL } from "drizzle-orm";
import { experiments, projects } from "@/server/db/schema";
import { requirePermission } from "@/server/api/rest/principal";
import { recordAudit } from "@/server/tenancy/audit";
import { setExperimentDeleted } from "@/server/tracking/retention";
import { DEFAULT_EXPERIMENT_ID, defaultExperiment, experimentJson, findExperiment, mlflowExperimentId } from "./entities";
import { int, invalid, keyValues, MlflowError, missing, pageToken, str, type MlflowHandler } from "./protocol";

const MAX_NAME = 500;

export const createExperiment: MlflowHandler = async ({ db, principal, fields }) => {
  requirePermission(principal, "experiment:create");
  const name = str(fields, "name", { required: true, max: MAX_NAME })!;
  const location = str(fields, "artifact_location");
  if (location?.startsWith("runs:")) throw invalid("Artifact location cannot be a runs:/ URI");
  const tags = Object.fromEntries(keyValues(fields, "tags").map((t) => [t.key, t.value]));
  const home = await defaultExperiment(db, principal.org.id);
  const [created] = await db.insert(experiments).values({ orgId: principal.org.id, projectId: home.projectId, name, tags }).onConflictDoNothing().returning();
  if (!created) throw new MlflowError("RESOURCE_ALREADY_EXISTS", `Experiment '${name}' already exists.`);
  await recordAudit(db, { orgId: principal.org.id, actor: principal.actor, action: "experiment.create", targetType: "experiment", targetId: created.id, details: { name } });
  return { experiment_id: created.id };
};

export const getExperiment: MlflowHandler = async ({ db, principal, fields }) => {
  requirePermission(principal, "experiment:read");
  const id = str(fields, "experiment_id", { required: true })!;
  const e = await findExperiment(db, principal.org.id, id);
  return { experiment: experimentJson(e, await mlflowExperimentId(db, principal.org.id, e.id)) };
};

/** By name in the Default project first (where MLflow clients create them), then anywhere in the org if unique. */
export const getExperimentByName: MlflowHandler = async ({ db, principal, fields }) => {
  requirePermission(principal, "experiment:read");
  const name = str(fields, "experiment_name", { required: true })!;
  const home = await defaultExperiment(db, principal.org.id);
  const found = await db.select().from(experiments).where(and(eq(experiments.orgId, principal.org.id), eq(experiments.name, name)))
    .orderBy(sql`(${experiments.projectId} = ${home.projectId}) desc`, sql`(${experiments.deletedAt} is null) desc`, asc(experiments.createdAt)).limit(2);
  const pick = found.find((e) => e.projectId === home.projectId) ?? (found.length === 1 ? found[0] : undefined);
  if (!pick) throw missing(`Could not find experiment with name '${name}'`);
  return { experiment: experimentJson(pick, await mlflowExperimentId(db, principal.org.id, pick.id)) };
};

export const searchExperiments: MlflowHandler = async ({ db, principal, fields }) => {
  requirePermission(principal, "experiment:read");
  const max = int(fields, "max_results", { min: 1, max: 50_000 }) ?? 1_000;
  const offset = pageToken.decode(str(fields, "page_token"));
  const view = str(fields, "view_type") ?? "ACTIVE_ONLY";
  const where: (SQL | undefined)[] = [eq(experiments.orgId, principal.org.id), view === "DELETED_ONLY" ? isNotNull(experiments.deletedAt) : view === "ALL" ? undefined : isNull(experiments.deletedAt)];
  const filter = str(fields, "filter");
  if (filter) where.push(experimentFilter(filter));
  const home = await defaultExperiment(db, principal.org.id);
  const rows = await db.select({ e: experiments }).from(experiments).innerJoin(projects, eq(projects.id, experiments.projectId))
    .where(and(...where)).orderBy(asc(experiments.createdAt), asc(experiments.id)).limit(max + 1).offset(offset);
  const page = rows.slice(0, max).map(({ e }) => experimentJson(e, e.id === home.id ? DEFAULT_EXPERIMENT_ID : e.id));
  return { experiments: page, ...(rows.length > max ? { next_page_token: pageToken.encode(offset + max) } : {}) };
};

/** `name = 'x'`, `name LIKE 'x%'`, `name ILIKE …`, `name != …` (attributes MLflow filters experiments on). */
function experimentFilter(filter: string): SQL {
  const m = /^\s*(?:attribute\.|attributes\.)?name\s*(=|!=|LIKE|ILIKE)\s*'([^']*)'\s*$/i.exec(filter);
  if (!m) throw invalid(`Invalid experiment filter '${filter}': supported is name = | != | LIKE | ILIKE 'value'`);
  const op = m[1].toUpperCase();
  return op === "=" ? eq(experiments.name, m[2]) : op === "!=" ? ne(experiments.name, m[2]) : op === "LIKE" ? like(experiments.name, m[2]) : ilike(experiments.name, m[2]);
}

const lifecycle = (deleted: boolean): MlflowHandler => async ({ db, principal, fields }) => {
  requirePermission(principal, "experiment:delete");
  const id = str(fields, "experiment_id", { required: true })!;
  if (id === DEFAULT_EXPERIMENT_ID && deleted) throw invalid("Cannot delete the default experiment '0'. This is an internally reserved experiment.");
  const e = await findExperiment(db, principal.org.id, id);
  await setExperimentDeleted(db, principal.org.id, e.id, principal.actor, deleted);
};
export const deleteExperiment = lifecycle(true);
export const restoreExperiment = lifecycle(false);

export const updateExperiment: MlflowHandler = async ({ db, principal, fields }) => {
  requirePermission(principal, "experiment:update");
  const e = await findExperiment(db, principal.org.id, str(fields, "experiment_id", { required: true })!);
  const name = str(fields, "new_name", { max: MAX_NAME });
  if (!name) return;
  const renamed = await db.update(experiments).set({ name, updatedAt: sql`now()` }).where(eq(experiments.id, e.id)).returning().catch(() => null);
  if (!renamed) throw new MlflowError("RESOURCE_ALREADY_EXISTS", `Experiment '${name}' already exists.`);
};

export const setExperimentTag: MlflowHandler = async ({ db, principal, fields }) => {
  requirePermission(principal, "experiment:update");
  const e = await findExperiment(db, principal.org.id, str(fields, "experiment_id", { required: true })!);
  const key = str(fields, "key", { required: true, max: 250 })!;
  const value = str(fields, "value", { max: 5_000 }) ?? "";
  await db.update(experiments).set({ tags: sql`${experiments.tags} || ${JSON.stringify({ [key]: value })}::jsonb`, updatedAt: sql`now()` }).where(eq(experiments.id, e.id));
};

export const deleteExperimentTag: MlflowHandler = async ({ db, principal, fields }) => {
  requirePermission(principal, "experiment:update");
  const e = await findExperiment(db, principal.org.id, str(fields, "experiment_id", { required: true })!);
  const key = str(fields, "key", { required: true })!;
  if (!(key in e.tags)) throw missing(`No tag with name: ${key} in experiment with id ${e.id}`);
  await db.update(experiments).set({ tags: sql`${experiments.tags} - ${key}` }).where(eq(experiments.id, e.id));
};
