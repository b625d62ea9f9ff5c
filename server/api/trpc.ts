import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { z, ZodError } from "zod";
import type { Db } from "@/server/db/client";
import type { Actor } from "@/server/tenancy/actor";
import { getMemberOrg, type OrgContext } from "@/server/tenancy/organizations";
import { can, type Permission } from "@/server/tenancy/permissions";
import { getUser } from "@/server/tenancy/users";
import { toTRPCError } from "./error-mapping";
import { assertCleanInput } from "./input-guard";

/* ---------- 1. Context ---------- */

export interface Context {
  db: Db;
  /** The signed-in user's id (web session), or null. */
  userId: string | null;
  /** Correlation id of the request: in its logs and in the response of a masked 500. */
  requestId?: string;
}

/* ---------- 2. Initialisation ---------- */

const t = initTRPC.context<Context>().meta<ProcedureMeta>().create({
  transformer: superjson,
  errorFormatter({ shape, error }) {
    const zod = error.cause instanceof ZodError ? error.cause.issues.map((i) => ({ path: i.path.join("."), message: i.message })) : null;
    const requestId = (error as { requestId?: string }).requestId ?? null;
    return { ...shape, data: { ...shape.data, zodIssues: zod, requestId } };
  },
});

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;

/** Domain errors → tRPC codes, in one place; anything else masked and logged with a request id. */
const mapErrors = t.middleware(async ({ ctx, path, next }) => {
  const result = await next();
  if (result.ok) return result;
  const { error } = result;
  // Input validation and deliberate TRPCErrors pass through; domain errors are mapped; the rest masked.
  if (error.code !== "INTERNAL_SERVER_ERROR") return result;
  throw toTRPCError(error.cause ?? error, { path, requestId: ctx.requestId });
});

/** No procedure sees NUL characters, oversized maps or absurd nesting (see input-guard.ts). */
const cleanInput = t.middleware(async ({ getRawInput, next }) => {
  try {
    assertCleanInput(await getRawInput());
  } catch (err) {
    throw toTRPCError(err);
  }
  return next();
});

/* ---------- 3. Procedures ---------- */

export const publicProcedure = t.procedure.use(mapErrors).use(cleanInput);

export const protectedProcedure = publicProcedure.use(async ({ ctx, next }) => {
  if (!ctx.userId) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in first" });
  const user = await getUser(ctx.db, ctx.userId);
  if (!user) throw new TRPCError({ code: "UNAUTHORIZED", message: "Your account no longer exists" });
  const actor: Actor = { kind: "user", userId: user.id, label: user.email };
  return next({ ctx: { ...ctx, user, actor } });
});

/**
 * Reads the organization from input (`org`: its slug), checks membership and the permission,
 * and puts `ctx.org` in context. Handlers never re-derive the tenant.
 */
export function orgProcedure(permission: Permission) {
  return protectedProcedure.input(z.object({ org: z.string().min(1) })).use(async ({ ctx, input, next }) => {
    const org: OrgContext = await getMemberOrg(ctx.db, ctx.user.id, input.org);
    if (!can(org.role, permission, org.grants)) {
      throw new TRPCError({ code: "FORBIDDEN", message: `Your role (${org.role}) cannot ${permission.replace(":", " ")}` });
    }
    return next({ ctx: { ...ctx, org } });
  }).meta({ permission });
}

export interface ProcedureMeta { permission?: Permission }
