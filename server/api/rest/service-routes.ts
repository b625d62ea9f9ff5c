import { createService, deleteService, getService, listServices } from "@/server/inference/services";
import { addVariant, removeVariant, updateService, updateVariant } from "@/server/inference/variants";
import { NotFoundError } from "@/server/errors";
import type { Permission } from "@/server/tenancy/permissions";
import { readJson, restRoute, type RestContext } from "./handler";
import { refuseRunToken, requirePermission } from "./principal";

const route = <T extends Record<string, string>>(permission: Permission, handler: (ctx: RestContext<T>) => Promise<Response>) => restRoute<T>(async (ctx) => {
  refuseRunToken(ctx.principal);
  requirePermission(ctx.principal, permission);
  return handler(ctx);
});

/** `/api/v1/inference/services[/{id}[/variants[/{variant}]]]`: `{id}` is the service's id or name. */
export const serviceRoutes = {
  list: route("service:read", async (ctx) => Response.json({ services: await listServices(ctx.db, ctx.principal.org.id) })),
  create: route("service:create", async (ctx) => {
    const s = await createService(ctx.db, ctx.principal.org.id, ctx.principal.actor, await readJson(ctx.req));
    return Response.json(await getService(ctx.db, ctx.principal.org.id, s.id), { status: 201 });
  }),
  get: route<{ id: string }>("service:read", async (ctx) => Response.json(await getService(ctx.db, ctx.principal.org.id, ctx.params.id))),
  update: route<{ id: string }>("service:update", async (ctx) => {
    await updateService(ctx.db, ctx.principal.org.id, ctx.principal.actor, ctx.params.id, await readJson(ctx.req));
    return Response.json(await getService(ctx.db, ctx.principal.org.id, ctx.params.id));
  }),
  delete: route<{ id: string }>("service:delete", async (ctx) => {
    await deleteService(ctx.db, ctx.principal.org.id, ctx.principal.actor, ctx.params.id);
    return Response.json(await getService(ctx.db, ctx.principal.org.id, ctx.params.id));
  }),
  variants: route<{ id: string }>("service:read", async (ctx) => Response.json({ variants: (await getService(ctx.db, ctx.principal.org.id, ctx.params.id)).variants })),
  addVariant: route<{ id: string }>("service:update", async (ctx) => {
    const v = await addVariant(ctx.db, ctx.principal.org.id, ctx.principal.actor, ctx.params.id, await readJson(ctx.req));
    return Response.json((await getService(ctx.db, ctx.principal.org.id, ctx.params.id)).variants.find((x) => x.name === v.name), { status: 201 });
  }),
  variant: route<{ id: string; variant: string }>("service:read", async (ctx) => {
    const found = (await getService(ctx.db, ctx.principal.org.id, ctx.params.id)).variants.find((x) => x.name === ctx.params.variant);
    if (!found) throw new NotFoundError("Variant");
    return Response.json(found);
  }),
  updateVariant: route<{ id: string; variant: string }>("service:update", async (ctx) => {
    await updateVariant(ctx.db, ctx.principal.org.id, ctx.principal.actor, ctx.params.id, ctx.params.variant, await readJson(ctx.req));
    return Response.json((await getService(ctx.db, ctx.principal.org.id, ctx.params.id)).variants.find((x) => x.name === ctx.params.variant));
  }),
  removeVariant: route<{ id: string; variant: string }>("service:update", async (ctx) => {
    await removeVariant(ctx.db, ctx.principal.org.id, ctx.principal.actor, ctx.params.id, ctx.params.variant);
    return new Response(null, { status: 204 });
  }),
};
