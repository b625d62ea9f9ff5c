import { z } from "zod";
import { NotFoundError } from "@/server/errors";
import { STAGES } from "@/server/registry/model-input";
import { createModel, deleteAlias, deleteModel, getModelRow, setAlias, transitionStage, updateModel, versionByAlias } from "@/server/registry/models";
import { compareVersions, createVersion, deleteVersion, updateVersion } from "@/server/registry/versions";
import { getModel, listModels } from "@/server/registry/views";
import type { Permission } from "@/server/tenancy/permissions";
import { readJson, restRoute, type RestContext } from "./handler";
import { refuseRunToken, requirePermission } from "./principal";

type P = { name?: string; version?: string; alias?: string };

/** A registry route: API keys and sessions only (a job's run token reaches its own run). */
const route = <T extends P>(permission: Permission, handler: (ctx: RestContext<T>) => Promise<Response>) => restRoute<T>(async (ctx) => {
  refuseRunToken(ctx.principal);
  requirePermission(ctx.principal, permission);
  return handler(ctx);
});

/** Names reach us as the path had them; a name cannot hold "%", so decoding twice is harmless. */
const nameOf = (raw: string) => {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new NotFoundError(`Model "${raw.slice(0, 100)}"`);
  }
};

const versionNumber = (raw: string | undefined) => {
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 1) throw new NotFoundError(`Version ${raw}`);
  return n;
};

const detail = async (ctx: RestContext<P>, name: string) => Response.json(await getModel(ctx.db, ctx.principal.org.id, name));
const versionOf = async (ctx: RestContext<P>, name: string, version: number) => {
  const model = await getModel(ctx.db, ctx.principal.org.id, name);
  const v = model.versions.find((x) => x.version === version);
  if (!v) throw new NotFoundError(`Version ${version} of "${name}"`);
  return { model: { id: model.id, name: model.name }, ...v };
};

export const modelsRoutes = {
  list: route("model:read", async (ctx) => {
    const q = new URL(ctx.req.url).searchParams;
    return Response.json({ models: await listModels(ctx.db, ctx.principal.org.id, { search: q.get("search") ?? undefined, limit: Math.min(Number(q.get("limit")) || 100, 1000) }) });
  }),
  create: route("model:create", async (ctx) => {
    const model = await createModel(ctx.db, ctx.principal.org.id, ctx.principal.actor, await readJson(ctx.req));
    return Response.json(await getModel(ctx.db, ctx.principal.org.id, model.name), { status: 201 });
  }),
  get: route<{ name: string }>("model:read", (ctx) => detail(ctx, nameOf(ctx.params.name))),
  update: route<{ name: string }>("model:update", async (ctx) => {
    const body = z.object({ description: z.string().max(5000).optional(), name: z.string().optional() }).parse(await readJson(ctx.req));
    const row = await updateModel(ctx.db, ctx.principal.org.id, ctx.principal.actor, nameOf(ctx.params.name), { description: body.description, newName: body.name });
    return detail(ctx, row.name);
  }),
  delete: route<{ name: string }>("model:delete", async (ctx) => {
    await deleteModel(ctx.db, ctx.principal.org.id, ctx.principal.actor, nameOf(ctx.params.name));
    return new Response(null, { status: 204 });
  }),
  versions: route<{ name: string }>("model:read", async (ctx) => Response.json({ versions: (await getModel(ctx.db, ctx.principal.org.id, nameOf(ctx.params.name))).versions })),
  register: route<{ name: string }>("model:create", async (ctx) => {
    const body = await readJson(ctx.req);
    // As MLflow's register_model: the model is created with its first version when missing.
    const { version } = await createVersion(ctx.db, ctx.principal.org.id, ctx.principal.actor, nameOf(ctx.params.name), body, { createModel: true });
    return Response.json(await versionOf(ctx, nameOf(ctx.params.name), version.version), { status: 201 });
  }),
  version: route<{ name: string; version: string }>("model:read", async (ctx) => Response.json(await versionOf(ctx, nameOf(ctx.params.name), versionNumber(ctx.params.version)))),
  updateVersion: route<{ name: string; version: string }>("model:update", async (ctx) => {
    const n = versionNumber(ctx.params.version);
    const body = z.object({ description: z.string().max(5000).optional(), stage: z.enum(STAGES).optional(), archiveExisting: z.boolean().default(false) }).parse(await readJson(ctx.req));
    const { org, actor } = ctx.principal;
    if (body.description !== undefined) await updateVersion(ctx.db, org.id, actor, nameOf(ctx.params.name), n, body.description);
    if (body.stage) await transitionStage(ctx.db, org.id, actor, nameOf(ctx.params.name), n, body.stage, body.archiveExisting);
    if (body.description === undefined && !body.stage) await getModelRow(ctx.db, org.id, nameOf(ctx.params.name));
    return Response.json(await versionOf(ctx, nameOf(ctx.params.name), n));
  }),
  deleteVersion: route<{ name: string; version: string }>("model:delete", async (ctx) => {
    await deleteVersion(ctx.db, ctx.principal.org.id, ctx.principal.actor, nameOf(ctx.params.name), versionNumber(ctx.params.version));
    return new Response(null, { status: 204 });
  }),
  alias: route<{ name: string; alias: string }>("model:read", async (ctx) => {
    const v = await versionByAlias(ctx.db, ctx.principal.org.id, nameOf(ctx.params.name), nameOf(ctx.params.alias));
    return Response.json(await versionOf(ctx, nameOf(ctx.params.name), v.version));
  }),
  setAlias: route<{ name: string; alias: string }>("model:update", async (ctx) => {
    await getModelRow(ctx.db, ctx.principal.org.id, nameOf(ctx.params.name)); // no such model: 404 before the body is judged
    const { version } = z.object({ version: z.union([z.number().int().min(1), z.string().regex(/^\d+$/).transform(Number)]) }).parse(await readJson(ctx.req));
    await setAlias(ctx.db, ctx.principal.org.id, ctx.principal.actor, nameOf(ctx.params.name), nameOf(ctx.params.alias), version);
    return Response.json(await versionOf(ctx, nameOf(ctx.params.name), version));
  }),
  deleteAlias: route<{ name: string; alias: string }>("model:update", async (ctx) => {
    await deleteAlias(ctx.db, ctx.principal.org.id, ctx.principal.actor, nameOf(ctx.params.name), nameOf(ctx.params.alias));
    return new Response(null, { status: 204 });
  }),
  compare: route<{ name: string }>("model:read", async (ctx) => {
    const q = new URL(ctx.req.url).searchParams;
    return Response.json(await compareVersions(ctx.db, ctx.principal.org.id, nameOf(ctx.params.name), versionNumber(q.get("a") ?? undefined), versionNumber(q.get("b") ?? undefined)));
  }),
};
