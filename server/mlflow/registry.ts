import { and, eq, inArray, sql } from "drizzle-orm";
import { requirePermission } from "@/server/api/rest/principal";
import { loggedModels, modelAliases, modelVersions, registeredModels, runs } from "@/server/db/schema";
import { ConflictError, NotFoundError } from "@/server/errors";
import { aliasSchema, STAGES, type Stage } from "@/server/registry/model-input";
import * as reg from "@/server/registry/models";
import { createVersion, deleteVersion, updateVersion, versionRows } from "@/server/registry/versions";
import { mlflowExperimentId } from "./entities";
import { int, invalid, keyValues, list, missing, MlflowError, pageToken, str, type MlflowContext, type MlflowHandler } from "./protocol";

/**
 * MLflow's model registry REST (model_registry.proto) over Anvil's registry, so
 * `mlflow.register_model`, `MlflowClient().set_registered_model_alias` and the rest work
 * unchanged. Names are looked up exactly; errors use MLflow's codes.
 */

type Version = reg.Version;
const orgOf = (ctx: MlflowContext) => ctx.principal.org.id;
const name = (ctx: MlflowContext) => str(ctx.fields, "name", { required: true, max: 256 })!;
const versionArg = (ctx: MlflowContext) => int(ctx.fields, "version", { required: true, min: 1 })!;

/** Domain errors in MLflow's words (`register_model` treats RESOURCE_ALREADY_EXISTS as "go on"). */
async function mlflowErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof ConflictError) throw new MlflowError("RESOURCE_ALREADY_EXISTS", err.message);
    if (err instanceof NotFoundError) throw missing(err.message.replace(/ not found$/, " not found."));
    throw err;
  }
}

async function aliasesByVersion(ctx: MlflowContext, modelId: string) {
  const rows = await ctx.db.select({ alias: modelAliases.alias, version: modelVersions.version }).from(modelAliases)
    .innerJoin(modelVersions, eq(modelVersions.id, modelAliases.versionId)).where(eq(modelAliases.modelId, modelId));
  return rows;
}

async function downloadUri(ctx: MlflowContext, v: Version): Promise<string> {
  if (!v.runId || !v.artifactPath) return v.source;
  const [run] = await ctx.db.select({ experimentId: runs.experimentId }).from(runs).where(eq(runs.id, v.runId));
  if (!run) return v.source;
  return `mlflow-artifacts:/${await mlflowExperimentId(ctx.db, orgOf(ctx), run.experimentId)}/${v.runId}/artifacts/${v.artifactPath}`;
}

function versionJson(modelName: string, v: Version, aliases: Array<{ alias: string; version: number }>) {
  return {
    name: modelName, version: String(v.version), creation_timestamp: v.createdAt.getTime(), last_updated_timestamp: v.updatedAt.getTime(),
    current_stage: v.stage, description: v.description, source: v.source, ...(v.runId ? { run_id: v.runId } : {}), status: "READY",
    tags: Object.entries(v.tags).map(([key, value]) => ({ key, value })), run_link: "", aliases: aliases.filter((a) => a.version === v.version).map((a) => a.alias),
  };
}

async function modelJson(ctx: MlflowContext, m: reg.Model) {
  const [versions, aliases] = await Promise.all([versionRows(ctx.db, m), aliasesByVersion(ctx, m.id)]);
  // latest_versions: the newest version in each stage (the stage-era clients read it).
  const latest = STAGES.flatMap((s) => versions.filter((v) => v.stage === s).slice(-1));
  return {
    name: m.name, creation_timestamp: m.createdAt.getTime(), last_updated_timestamp: m.updatedAt.getTime(), description: m.description,
    latest_versions: latest.map((v) => versionJson(m.name, v, aliases)), tags: Object.entries(m.tags).map(([key, value]) => ({ key, value })),
    aliases: aliases.map((a) => ({ alias: a.alias, version: String(a.version) })),
  };
}

/** `name = 'x'`, `name LIKE '%x%'`, `name ILIKE …`, `run_id = '…'` (what clients send); anything else is refused. */
function parseFilter(filter: string | undefined, fields: string[]): { field: string; op: "=" | "like" | "ilike"; value: string } | null {
  if (!filter?.trim()) return null;
  const m = /^\s*(\w+)\s*(=|LIKE|ILIKE)\s*(['"])(.*)\3\s*$/i.exec(filter);
  if (!m || !fields.includes(m[1])) throw invalid(`Unsupported filter "${filter}": use ${fields.map((f) => `${f} = '…'`).join(" or ")}, or name LIKE '%…%'`);
  return { field: m[1], op: m[2].toLowerCase() as "=" | "like" | "ilike", value: m[4] };
}

const createRegisteredModel: MlflowHandler = (ctx) => mlflowErrors(async () => {
  requirePermission(ctx.principal, "model:create");
  const tags = Object.fromEntries(keyValues(ctx.fields, "tags").map((t) => [t.key, t.value]));
  const m = await reg.createModel(ctx.db, orgOf(ctx), ctx.principal.actor, { name: name(ctx), description: str(ctx.fields, "description") ?? "", tags });
  return { registered_model: await modelJson(ctx, m) };
});

const getRegisteredModel: MlflowHandler = (ctx) => mlflowErrors(async () => {
  requirePermission(ctx.principal, "model:read");
  return { registered_model: await modelJson(ctx, await reg.getModelRow(ctx.db, orgOf(ctx), name(ctx))) };
});

const searchRegisteredModels: MlflowHandler = async (ctx) => {
  requirePermission(ctx.principal, "model:read");
  const f = parseFilter(str(ctx.fields, "filter"), ["name"]);
  const max = int(ctx.fields, "max_results", { min: 1, max: 1000 }) ?? 100;
  const offset = pageToken.decode(str(ctx.fields, "page_token"));
  const where = and(eq(registeredModels.orgId, orgOf(ctx)), f ? (f.op === "=" ? eq(registeredModels.name, f.value) : sql`${registeredModels.name} ${sql.raw(f.op)} ${f.value}`) : undefined);
  const rows = await ctx.db.select().from(registeredModels).where(where).orderBy(registeredModels.name).limit(max + 1).offset(offset);
  const page = rows.slice(0, max);
  return { registered_models: await Promise.all(page.map((m) => modelJson(ctx, m))), ...(rows.length > max ? { next_page_token: pageToken.encode(offset + max) } : {}) };
};

const renameRegisteredModel: MlflowHandler = (ctx) => mlflowErrors(async () => {
  requirePermission(ctx.principal, "model:update");
  const m = await reg.updateModel(ctx.db, orgOf(ctx), ctx.principal.actor, name(ctx), { newName: str(ctx.fields, "new_name", { required: true, max: 256 }) });
  return { registered_model: await modelJson(ctx, m) };
});

const updateRegisteredModel: MlflowHandler = (ctx) => mlflowErrors(async () => {
  requirePermission(ctx.principal, "model:update");
  const m = await reg.updateModel(ctx.db, orgOf(ctx), ctx.principal.actor, name(ctx), { description: str(ctx.fields, "description") ?? "" });
  return { registered_model: await modelJson(ctx, m) };
});

const deleteRegisteredModel: MlflowHandler = (ctx) => mlflowErrors(async () => {
  requirePermission(ctx.principal, "model:delete");
  await reg.deleteModel(ctx.db, orgOf(ctx), ctx.principal.actor, name(ctx));
  return {};
});

const latestVersions: MlflowHandler = (ctx) => mlflowErrors(async () => {
  requirePermission(ctx.principal, "model:read");
  const m = await reg.getModelRow(ctx.db, orgOf(ctx), name(ctx));
  const stages = list(ctx.fields, "stages").map(String);
  const [versions, aliases] = await Promise.all([versionRows(ctx.db, m), aliasesByVersion(ctx, m.id)]);
  const wanted = stages.length > 0 ? STAGES.filter((s) => stages.some((x) => x.toLowerCase() === s.toLowerCase())) : STAGES;
  return { model_versions: wanted.flatMap((s) => versions.filter((v) => v.stage === s).slice(-1)).map((v) => versionJson(m.name, v, aliases)) };
});

const tag = (scope: "model" | "version", remove: boolean): MlflowHandler => (ctx) => mlflowErrors(async () => {
  requirePermission(ctx.principal, "model:update");
  const key = str(ctx.fields, "key", { required: true, max: 250 })!;
  await reg.setModelTag(ctx.db, orgOf(ctx), ctx.principal.actor, name(ctx), key, remove ? null : (str(ctx.fields, "value") ?? ""), scope === "version" ? versionArg(ctx) : undefined);
  return {};
});

const setAlias: MlflowHandler = (ctx) => mlflowErrors(async () => {
  requirePermission(ctx.principal, "model:update");
  const alias = str(ctx.fields, "alias", { required: true, max: 255 })!;
  const parsed = aliasSchema.safeParse(alias);
  if (!parsed.success) throw invalid(parsed.error.issues[0].message);
  await reg.setAlias(ctx.db, orgOf(ctx), ctx.principal.actor, name(ctx), alias, versionArg(ctx));
  return {};
});

const deleteAlias: MlflowHandler = (ctx) => mlflowErrors(async () => {
  requirePermission(ctx.principal, "model:update");
  await reg.deleteAlias(ctx.db, orgOf(ctx), ctx.principal.actor, name(ctx), str(ctx.fields, "alias", { required: true, max: 255 })!);
  return {};
});

const getByAlias: MlflowHandler = (ctx) => mlflowErrors(async () => {
  requirePermission(ctx.principal, "model:read");
  const modelName = name(ctx);
  const v = await reg.versionByAlias(ctx.db, orgOf(ctx), modelName, str(ctx.fields, "alias", { required: true, max: 255 })!);
  return { model_version: versionJson(modelName, v, await aliasesByVersion(ctx, v.modelId)) };
});

/** A version from a run's artifact, `runs:/…`, `mlflow-artifacts:/…` or an MLflow 3 logged model (`models:/m-…`). */
const createModelVersion: MlflowHandler = (ctx) => mlflowErrors(async () => {
  requirePermission(ctx.principal, "model:create");
  const modelName = name(ctx);
  let source = str(ctx.fields, "source", { required: true, max: 2048 })!;
  if (source.split("/").includes("..")) throw invalid(`Invalid model version source: '${source}'.`);
  const loggedId = str(ctx.fields, "model_id") ?? /^models:\/(m-[0-9a-f]+)$/.exec(source)?.[1];
  if (loggedId) {
    const [logged] = await ctx.db.select().from(loggedModels).where(and(eq(loggedModels.orgId, orgOf(ctx)), eq(loggedModels.id, loggedId)));
    if (!logged) throw missing(`Logged model with ID '${loggedId}' not found.`);
    source = `runs:/${logged.sourceRunId}/models/${logged.id}`;
  }
  const tags = Object.fromEntries(keyValues(ctx.fields, "tags").map((t) => [t.key, t.value]));
  const runId = str(ctx.fields, "run_id");
  const { version } = await createVersion(ctx.db, orgOf(ctx), ctx.principal.actor, modelName, { source, ...(runId && !/^(runs|mlflow-artifacts):/.test(source) ? { runId } : {}), description: str(ctx.fields, "description") ?? "", tags });
  return { model_version: versionJson(modelName, version, []) };
});

async function versionFor(ctx: MlflowContext) {
  const m = await reg.getModelRow(ctx.db, orgOf(ctx), name(ctx));
  return { m, v: await reg.versionRow(ctx.db, m, versionArg(ctx)) };
}

const getModelVersion: MlflowHandler = (ctx) => mlflowErrors(async () => {
  requirePermission(ctx.principal, "model:read");
  const { m, v } = await versionFor(ctx);
  return { model_version: versionJson(m.name, v, await aliasesByVersion(ctx, m.id)) };
});

const updateModelVersion: MlflowHandler = (ctx) => mlflowErrors(async () => {
  requirePermission(ctx.principal, "model:update");
  const v = await updateVersion(ctx.db, orgOf(ctx), ctx.principal.actor, name(ctx), versionArg(ctx), str(ctx.fields, "description") ?? "");
  return { model_version: versionJson(name(ctx), v, []) };
});

const deleteModelVersion: MlflowHandler = (ctx) => mlflowErrors(async () => {
  requirePermission(ctx.principal, "model:delete");
  await deleteVersion(ctx.db, orgOf(ctx), ctx.principal.actor, name(ctx), versionArg(ctx));
  return {};
});

const searchModelVersions: MlflowHandler = async (ctx) => {
  requirePermission(ctx.principal, "model:read");
  const f = parseFilter(str(ctx.fields, "filter"), ["name", "run_id"]);
  const max = int(ctx.fields, "max_results", { min: 1, max: 200_000 }) ?? 10_000;
  const offset = pageToken.decode(str(ctx.fields, "page_token"));
  const cond = !f ? undefined : f.field === "run_id" ? sql`${modelVersions.runId}::text = ${f.value}`
    : f.op === "=" ? eq(registeredModels.name, f.value) : sql`${registeredModels.name} ${sql.raw(f.op)} ${f.value}`;
  const rows = await ctx.db.select({ v: modelVersions, name: registeredModels.name }).from(modelVersions).innerJoin(registeredModels, eq(registeredModels.id, modelVersions.modelId))
    .where(and(eq(modelVersions.orgId, orgOf(ctx)), cond)).orderBy(registeredModels.name, modelVersions.version).limit(max + 1).offset(offset);
  const page = rows.slice(0, max);
  const ids = [...new Set(page.map((r) => r.v.modelId))];
  const aliases = ids.length ? await ctx.db.select({ modelId: modelAliases.modelId, alias: modelAliases.alias, version: modelVersions.version }).from(modelAliases)
    .innerJoin(modelVersions, eq(modelVersions.id, modelAliases.versionId)).where(inArray(modelAliases.modelId, ids)) : [];
  return {
    model_versions: page.map((r) => versionJson(r.name, r.v, aliases.filter((a) => a.modelId === r.v.modelId))),
    ...(rows.length > max ? { next_page_token: pageToken.encode(offset + max) } : {}),
  };
};

const downloadUriHandler: MlflowHandler = (ctx) => mlflowErrors(async () => {
  requirePermission(ctx.principal, "model:read");
  return { artifact_uri: await downloadUri(ctx, (await versionFor(ctx)).v) };
});

const transitionStage: MlflowHandler = (ctx) => mlflowErrors(async () => {
  requirePermission(ctx.principal, "model:update");
  const raw = str(ctx.fields, "stage", { required: true })!;
  const stage = STAGES.find((s) => s.toLowerCase() === raw.toLowerCase()) as Stage | undefined;
  if (!stage) throw invalid(`Invalid Model Version stage: ${raw}. Value must be one of ${STAGES.join(", ")}.`);
  const archive = String(ctx.fields.archive_existing_versions ?? "false").toLowerCase() === "true";
  const v = await reg.transitionStage(ctx.db, orgOf(ctx), ctx.principal.actor, name(ctx), versionArg(ctx), stage, archive);
  return { model_version: versionJson(name(ctx), v, []) };
});

export const REGISTRY_ROUTES: Record<string, MlflowHandler> = {
  "POST registered-models/create": createRegisteredModel,
  "GET registered-models/get": getRegisteredModel,
  "GET registered-models/search": searchRegisteredModels,
  "POST registered-models/search": searchRegisteredModels,
  "POST registered-models/rename": renameRegisteredModel,
  "PATCH registered-models/update": updateRegisteredModel,
  "DELETE registered-models/delete": deleteRegisteredModel,
  "POST registered-models/get-latest-versions": latestVersions,
  "GET registered-models/get-latest-versions": latestVersions,
  "POST registered-models/set-tag": tag("model", false),
  "DELETE registered-models/delete-tag": tag("model", true),
  "POST registered-models/alias": setAlias,
  "DELETE registered-models/alias": deleteAlias,
  "GET registered-models/alias": getByAlias,
  "POST model-versions/create": createModelVersion,
  "GET model-versions/get": getModelVersion,
  "PATCH model-versions/update": updateModelVersion,
  "DELETE model-versions/delete": deleteModelVersion,
  "GET model-versions/search": searchModelVersions,
  "POST model-versions/search": searchModelVersions,
  "GET model-versions/get-download-uri": downloadUriHandler,
  "POST model-versions/transition-stage": transitionStage,
  "POST model-versions/set-tag": tag("version", false),
  "DELETE model-versions/delete-tag": tag("version", true),
};
