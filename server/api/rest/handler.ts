import { getDb, type Db } from "@/server/db/client";
import { currentUserId } from "@/server/auth/session";
import { ValidationError } from "@/server/errors";
import { toHttpError } from "../error-mapping";
import { authenticate, type Principal } from "./principal";

type RouteParams = Record<string, string | string[]>;
interface RestContext<P extends RouteParams> { req: Request; db: Db; principal: Principal; params: P }

/**
 * Wraps a REST handler: database, authentication, and errors → JSON 4xx (5xx masked). Every
 * REST route goes through here, so the isolation test covers them all the same way.
 */
export function restRoute<P extends RouteParams>(handler: (ctx: RestContext<P>) => Promise<Response>) {
  return async (req: Request, route: { params: Promise<P> }): Promise<Response> => {
    try {
      const db = await getDb();
      const principal = await authenticate(db, req, currentUserId);
      return await handler({ req, db, principal, params: await route.params });
    } catch (err) {
      const { status, body } = toHttpError(err);
      return Response.json(body, { status });
    }
  };
}

const MAX_JSON_BYTES = 16 * 1024 * 1024;

/** Reads a JSON body with a size cap; malformed JSON is a 400 naming the problem. */
export async function readJson(req: Request): Promise<unknown> {
  const type = req.headers.get("content-type") ?? "";
  if (!type.includes("application/json")) throw new ValidationError("Content-Type must be application/json");
  const length = Number(req.headers.get("content-length") ?? "0");
  if (length > MAX_JSON_BYTES) throw new ValidationError(`body larger than ${MAX_JSON_BYTES} bytes`);
  const text = await req.text();
  if (text.length > MAX_JSON_BYTES) throw new ValidationError(`body larger than ${MAX_JSON_BYTES} bytes`);
  if (!text.trim()) throw new ValidationError("body is empty; expected JSON");
  return JSON.parse(text);
}
