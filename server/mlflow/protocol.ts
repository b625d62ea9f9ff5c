import { getDb, type Db } from "@/server/db/client";
import { toHttpError, requestIdFrom } from "@/server/api/error-mapping";
import { assertCleanInput, readCapped } from "@/server/api/input-guard";
import { authenticate, type Principal } from "@/server/api/rest/principal";

/** MLflow's error codes and the HTTP status its server sends with each (mlflow/exceptions.py). */
const STATUS: Record<string, number> = {
  INVALID_PARAMETER_VALUE: 400, BAD_REQUEST: 400, RESOURCE_ALREADY_EXISTS: 400, RESOURCE_DOES_NOT_EXIST: 404, ENDPOINT_NOT_FOUND: 404,
  PERMISSION_DENIED: 403, UNAUTHENTICATED: 401, REQUEST_LIMIT_EXCEEDED: 429, INTERNAL_ERROR: 500,
};

export class MlflowError extends Error {
  constructor(readonly code: keyof typeof STATUS, message: string) { super(message); }
}
export const invalid = (message: string) => new MlflowError("INVALID_PARAMETER_VALUE", message);
export const missing = (message: string) => new MlflowError("RESOURCE_DOES_NOT_EXIST", message);

export type Fields = Record<string, unknown>;
export interface MlflowContext { db: Db; principal: Principal; fields: Fields; req: Request; origin: string }
export type MlflowHandler = (ctx: MlflowContext) => Promise<Fields | Response | void>;

/** The MLflow log-batch body limit (1 MB) with room for the other calls' bodies. */
const MAX_BODY = 1_000_000;

/**
 * One MLflow REST call: credentials (Bearer API key, or Basic with the key as password, as
 * MLFLOW_TRACKING_TOKEN / _PASSWORD send them), fields from the query string (GET) or the JSON
 * body (any other method, DELETE included; double-encoded JSON from old clients decoded again),
 * and MLflow's error body: never a 500 for the caller's mistake, since MLflow clients retry those.
 */
export async function serveMlflow(req: Request, handler: MlflowHandler | undefined, opts: { bodyIsData?: boolean } = {}): Promise<Response> {
  const requestId = requestIdFrom(req.headers);
  try {
    const db = await getDb();
    const principal = await authenticate(db, withBearer(req), async () => null);
    if (!handler) throw new MlflowError("ENDPOINT_NOT_FOUND", `No MLflow endpoint ${req.method} ${new URL(req.url).pathname} here`);
    // Artifact uploads: the body is the file, fields come from the query string only.
    const fields = opts.bodyIsData ? queryFields(new URL(req.url)) : await readFields(req);
    const result = await handler({ db, principal, fields, req, origin: new URL(req.url).origin });
    if (result instanceof Response) return result;
    return Response.json(result ?? {}, { headers: { "x-request-id": requestId } });
  } catch (err) {
    const { code, message } = toMlflowError(err, requestId, new URL(req.url).pathname);
    return Response.json({ error_code: code, message }, { status: STATUS[code] ?? 500, headers: { "x-request-id": requestId } });
  }
}

function toMlflowError(err: unknown, requestId: string, path: string): { code: string; message: string } {
  if (err instanceof MlflowError) return { code: err.code, message: err.message };
  const { status, body } = toHttpError(err, requestId, path);
  const code = status === 404 ? "RESOURCE_DOES_NOT_EXIST" : status === 401 ? "UNAUTHENTICATED" : status === 403 ? "PERMISSION_DENIED"
    : status < 500 ? "INVALID_PARAMETER_VALUE" : "INTERNAL_ERROR";
  return { code, message: body.error.message };
}

/** Basic credentials carry the API key as the password; the rest of our stack reads Bearer. */
function withBearer(req: Request): Request {
  const header = req.headers.get("authorization") ?? "";
  const basic = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header);
  if (!basic) return req;
  const decoded = Buffer.from(basic[1], "base64").toString("utf8");
  const password = decoded.slice(decoded.indexOf(":") + 1);
  const headers = new Headers(req.headers);
  headers.set("authorization", `Bearer ${password}`);
  return new Request(req.url, { method: req.method, headers });
}

function queryFields(url: URL): Fields {
  const fields: Record<string, string | string[]> = {};
  for (const [k, v] of url.searchParams) {
    const prev = fields[k];
    fields[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  assertCleanInput(fields, "query");
  return fields;
}

async function readFields(req: Request): Promise<Fields> {
  const url = new URL(req.url);
  if (req.method === "GET") return queryFields(url);
  const text = new TextDecoder().decode(await readCapped(req, MAX_BODY)).trim();
  if (!text) return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
    if (typeof value === "string") value = JSON.parse(value);
  } catch {
    throw invalid("Request body is not valid JSON");
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw invalid("Request body must be a JSON object");
  assertCleanInput(value, "body");
  return value as Fields;
}

/** Field readers with MLflow's messages. */
export function str(f: Fields, name: string, opts: { required?: boolean; max?: number } = {}): string | undefined {
  const v = f[name];
  if (v === undefined || v === null || v === "") {
    if (opts.required) throw invalid(`Missing value for required parameter '${name}'. See the API docs for more information about request parameters.`);
    return undefined;
  }
  const s = Array.isArray(v) ? v[0] : v;
  if (typeof s !== "string" && typeof s !== "number" && typeof s !== "boolean") throw invalid(`Invalid value ${JSON.stringify(v).slice(0, 100)} for parameter '${name}' supplied: expected a string`);
  const text = String(s);
  if (opts.max && text.length > opts.max) throw invalid(`'${name}' exceeded length limit of ${opts.max}`);
  return text;
}

export function int(f: Fields, name: string, opts: { required?: boolean; min?: number; max?: number } = {}): number | undefined {
  const v = f[name];
  if (v === undefined || v === null || v === "") {
    if (opts.required) throw invalid(`Missing value for required parameter '${name}'.`);
    return undefined;
  }
  const n = Number(Array.isArray(v) ? v[0] : v);
  if (!Number.isSafeInteger(n)) throw invalid(`Invalid value ${JSON.stringify(v).slice(0, 100)} for parameter '${name}' supplied: expected an integer`);
  if (opts.min !== undefined && n < opts.min) throw invalid(`'${name}' must be at least ${opts.min}, got ${n}`);
  if (opts.max !== undefined && n > opts.max) throw invalid(`'${name}' must be at most ${opts.max}, got ${n}`);
  return n;
}

export function list(f: Fields, name: string): unknown[] {
  const v = f[name];
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v : [v];
}

export function keyValues(f: Fields, name: string): Array<{ key: string; value: string }> {
  return list(f, name).map((entry, i) => {
    if (typeof entry !== "object" || entry === null) throw invalid(`'${name}[${i}]' must be an object with key and value`);
    const e = entry as Fields;
    return { key: str(e, "key", { required: true })!, value: str(e, "value") ?? "" };
  });
}

/** `run_id`, falling back to the legacy `run_uuid` the client also sends. */
export function runIdOf(f: Fields): string {
  const id = str(f, "run_id") ?? str(f, "run_uuid");
  if (!id) throw invalid("Missing value for required parameter 'run_id'.");
  return id;
}

/** Opaque page tokens: an offset, base64 so clients treat it as one. */
export const pageToken = {
  encode: (offset: number) => Buffer.from(JSON.stringify({ offset })).toString("base64"),
  decode: (token: string | undefined): number => {
    if (!token) return 0;
    try {
      const { offset } = JSON.parse(Buffer.from(token, "base64").toString("utf8")) as { offset: unknown };
      if (typeof offset === "number" && Number.isSafeInteger(offset) && offset >= 0) return offset;
    } catch { /* fall through */ }
    throw invalid("Invalid page token");
  },
};
