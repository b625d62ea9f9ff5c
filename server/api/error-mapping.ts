import { randomUUID } from "node:crypto";
import { TRPCError } from "@trpc/server";
import { ZodError } from "zod";
import { DomainError } from "@/server/errors";
import { log } from "@/server/log";

const HTTP_STATUS = { BAD_REQUEST: 400, UNAUTHORIZED: 401, FORBIDDEN: 403, NOT_FOUND: 404, CONFLICT: 409 } as const;

/** A correlation id: the caller's own if it looks like one, else a fresh one. */
export function requestIdFrom(headers: Headers | null | undefined): string {
  const given = headers?.get("x-request-id");
  return given && /^[\w.:-]{8,100}$/.test(given) ? given : randomUUID();
}

/**
 * PostgreSQL's verdict on a value our own validation let through (a safety net, not the plan):
 * data exceptions are the caller's bad input, constraint violations a conflict.
 */
function databaseRefusal(err: unknown): DomainError | null {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code !== "string" || !/^[0-9A-Z]{5}$/.test(code)) continue;
    if (code.startsWith("22")) return new DomainError("a value is out of range or not valid for its field", "BAD_REQUEST");
    if (code === "23505") return new DomainError("that already exists", "CONFLICT");
    if (code === "23503" || code === "23514") return new DomainError("that conflicts with the current state", "CONFLICT");
    if (code === "54000" || code === "54001") return new DomainError("the request is too large to store in one go", "BAD_REQUEST");
  }
  return null;
}

/** What the caller is told of an error, and what the logs keep. */
function classify(err: unknown): DomainError | ZodError | SyntaxError | null {
  if (err instanceof DomainError || err instanceof ZodError || err instanceof SyntaxError) return err;
  return databaseRefusal(err);
}

/** The one place domain errors become tRPC codes; anything unknown is a masked 500, logged with its id. */
export function toTRPCError(err: unknown, context: { path?: string; requestId?: string } = {}): TRPCError {
  if (err instanceof TRPCError && err.code !== "INTERNAL_SERVER_ERROR") return err;
  const known = classify(err instanceof TRPCError ? err.cause : err);
  if (known instanceof DomainError) return new TRPCError({ code: known.kind, message: known.message, cause: known });
  const requestId = context.requestId ?? randomUUID();
  log.error("request failed", { requestId, procedure: context.path, err });
  return Object.assign(new TRPCError({ code: "INTERNAL_SERVER_ERROR", message: `Internal error (request id ${requestId})`, cause: err }), { requestId });
}

export interface HttpError { status: number; body: { error: { code: string; message: string; requestId?: string } } }

/** …and the one place they become HTTP responses for REST routes. */
export function toHttpError(err: unknown, requestId: string, route?: string): HttpError {
  const known = classify(err);
  if (known instanceof DomainError) {
    const status = (known as DomainError & { status?: number }).status ?? HTTP_STATUS[known.kind];
    return { status, body: { error: { code: status === 413 ? "PAYLOAD_TOO_LARGE" : known.kind, message: known.message } } };
  }
  if (known instanceof ZodError) {
    const issue = known.issues[0];
    const where = issue?.path.length ? `${issue.path.join(".")}: ` : "";
    return { status: 400, body: { error: { code: "BAD_REQUEST", message: `${where}${issue?.message ?? "invalid input"}` } } };
  }
  if (known instanceof SyntaxError) return { status: 400, body: { error: { code: "BAD_REQUEST", message: `body is not valid JSON: ${known.message}` } } };
  log.error("request failed", { requestId, route, err });
  return { status: 500, body: { error: { code: "INTERNAL_SERVER_ERROR", message: `Internal error (request id ${requestId})`, requestId } } };
}
