import fs from "node:fs";
import path from "node:path";
import type { z } from "zod";
import { appRouter } from "@/server/api/root";
import type { RouteHandler } from "./rest";

/**
 * Every tRPC procedure and REST route, found by enumeration so that the isolation and fuzz tests
 * cover new ones without being edited, and inputs made from each procedure's own zod schema.
 */
export type Procedure = { _def: { inputs: z.ZodType[]; type: string } };

export function listProcedures(): Array<[string, Procedure]> {
  return Object.entries(appRouter._def.procedures as unknown as Record<string, Procedure>);
}

/** Calls `name` (e.g. "runs.get") on a caller. */
export function invoke(caller: unknown, name: string, input: unknown): Promise<unknown> {
  const fn = name.split(".").reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], caller) as (i: unknown) => Promise<unknown>;
  return fn(input);
}

type Def = { type: string; values?: unknown[]; shape?: Record<string, z.ZodType>; innerType?: z.ZodType; entries?: Record<string, string>; options?: z.ZodType[]; in?: z.ZodType; left?: z.ZodType; right?: z.ZodType; element?: z.ZodType };
const defOf = (schema: z.ZodType) => (schema as unknown as { _zod: { def: Def } })._zod.def;

// `command` empty: the sample job uses its template, and a template with a command is refused.
const VALID_STRINGS: Record<string, string> = { email: "someone@example.com", name: "probe", template: "iris-softmax", command: "", token: "x".repeat(43) };
// Optional fields left out: alternatives to an id field (a cluster by name) or format-checked URIs.
const OMITTED = new Set(["cluster", "workingDir"]);

/**
 * A valid input built from field names: `org` → the given slug, id fields → `ids[field]` (an
 * unknown id field fails loudly, so a new procedure gets a fixture), anything else a dummy value.
 */
export function sampleInput(schema: z.ZodType, org: string, ids: Record<string, string>, field = ""): unknown {
  const def = defOf(schema);
  switch (def.type) {
    case "object": return Object.fromEntries(Object.entries(def.shape!).map(([k, v]) => [k, k === "org" ? org : sampleInput(v, org, ids, k)]));
    case "optional": if (OMITTED.has(field)) return undefined; return sampleInput(def.innerType!, org, ids, field);
    case "default": case "nullable": case "prefault": return sampleInput(def.innerType!, org, ids, field);
    case "pipe": return sampleInput(def.in!, org, ids, field);
    case "intersection": return { ...(sampleInput(def.left!, org, ids) as object), ...(sampleInput(def.right!, org, ids) as object) };
    case "string":
      if (field in ids) return ids[field];
      if (/id$/i.test(field)) throw new Error(`no fixture for id field "${field}"; add it to ids`);
      return VALID_STRINGS[field] ?? "x";
    case "number": return 10; // inside every range our inputs declare (limits, buckets, retries, cursors)
    case "boolean": return false;
    case "enum": return Object.values(def.entries!)[0];
    case "literal": return def.values![0];
    // An id list aims at the victim too: runIds → [ids.runId].
    case "array": return /Ids$/.test(field ?? "") && `${field!.slice(0, -3)}Id` in ids ? [ids[`${field!.slice(0, -3)}Id`]] : [];
    case "record": return {};
    case "union": return sampleInput(def.options![0], org, ids, field);
    default: return undefined;
  }
}

export function procedureInput(proc: Procedure, org: string, ids: Record<string, string>) {
  return proc._def.inputs.reduce((acc, schema) => ({ ...acc, ...(sampleInput(schema, org, ids) as object) }), {});
}

export function takesOrg(proc: Procedure): boolean {
  return proc._def.inputs.some((s) => defOf(s).type === "object" && "org" in (defOf(s).shape ?? {}));
}

/** Every leaf path of an input object, for replacing one field at a time. */
export function leafPaths(value: unknown, prefix: string[] = []): string[][] {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return [prefix];
  const entries = Object.entries(value);
  if (entries.length === 0) return [prefix];
  return entries.flatMap(([k, v]) => leafPaths(v, [...prefix, k]));
}

export function withValueAt(value: unknown, at: string[], replacement: unknown): unknown {
  if (at.length === 0) return replacement;
  const copy = { ...(value as Record<string, unknown>) };
  copy[at[0]] = withValueAt(copy[at[0]], at.slice(1), replacement);
  return copy;
}

export interface RestRoute { route: string; file: string; params: string[] }

/** Every `route.ts` under app/api, with the names of its dynamic segments. */
export function findRoutes(root = path.resolve("app/api")): RestRoute[] {
  const out: RestRoute[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) walk(full);
      else if (e.name === "route.ts") {
        const route = path.relative(root, dir);
        out.push({ route, file: full, params: [...route.matchAll(/\[(?:\.\.\.)?(\w+)\]/g)].map((m) => m[1]) });
      }
    }
  };
  walk(root);
  return out;
}

export async function routeHandlers(route: RestRoute): Promise<Array<[string, RouteHandler]>> {
  const mod = (await import(/* @vite-ignore */ route.file)) as Record<string, RouteHandler>;
  return ["GET", "POST", "PUT", "PATCH", "DELETE"].filter((m) => m in mod).map((m) => [m, mod[m]]);
}

/** Routes that hold no tenant data or are covered another way (tRPC procedure by procedure). */
export const NOT_TENANT_SCOPED: Record<string, string> = {
  "health": "liveness only, no data",
  "auth/[...nextauth]": "Auth.js sign-in endpoints",
  "trpc/[trpc]": "covered procedure by procedure",
  "runner/tick": "protected by ANVIL_RUNNER_SECRET; touches no tenant data in its answer",
};
