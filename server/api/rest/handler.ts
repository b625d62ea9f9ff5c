import { getDb, type Db } from "@/server/db/client";
import { currentUserId } from "@/server/auth/session";
import { ValidationError } from "@/server/errors";
import { toHttpError, requestIdFrom } from "../error-mapping";
import { assertCleanInput, readCapped } from "../input-guard";
import { authenticate, type Principal } from "./principal";

type RouteParams = Record<string, string | string[]>;
export interface RestContext<P extends RouteParams> { req: Request; db: Db; principal: Principal; params: P; requestId: string }

/**
 * Wraps a REST handler: a request id, clean path and query, database, authentication, and
 * errors → JSON 4xx (5xx masked, logged with the id the response carries). Every REST route
 * goes through here, so the isolation and fuzz tests cover them all the same way.
 */
export function restRoute<P extends RouteParams>(handler: (ctx: RestContext<P>) => Promise<Response>) {
  return async (req: Request, route: { params: Promise<P> }): Promise<Response> => {
    const requestId = requestIdFrom(req.headers);
    let response: Response;
    try {
      const params = await route.params;
      assertCleanInput(params, "path");
      assertCleanInput(Object.fromEntries(new URL(req.url).searchParams), "query");
      const db = await getDb();
      const principal = await authenticate(db, req, currentUserId);
      response = await handler({ req, db, principal, params, requestId });
    } catch (err) {
      const { status, body } = toHttpError(err, requestId, new URL(req.url).pathname);
      response = Response.json(body, { status });
    }
    response.headers.set("x-request-id", requestId);
    return response;
  };
}

const MAX_JSON_BYTES = 16 * 1024 * 1024;

/** Reads a JSON body with a running size cap; malformed or unclean JSON is a 4xx naming the problem. */
export async function readJson(req: Request): Promise<unknown> {
  const type = req.headers.get("content-type") ?? "";
  if (!type.includes("application/json")) throw new ValidationError("Content-Type must be application/json");
  const text = new TextDecoder().decode(await readCapped(req, MAX_JSON_BYTES));
  if (!text.trim()) throw new ValidationError("body is empty; expected JSON");
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    // V8 gives up on absurd nesting with a RangeError: still the caller's bad input.
    if (err instanceof RangeError) throw new ValidationError("body is nested too deeply");
    throw err;
  }
  assertCleanInput(value, "body");
  return value;
}
