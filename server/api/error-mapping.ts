import { TRPCError } from "@trpc/server";
import { ZodError } from "zod";
import { DomainError } from "@/server/errors";

const HTTP_STATUS = { BAD_REQUEST: 400, UNAUTHORIZED: 401, FORBIDDEN: 403, NOT_FOUND: 404, CONFLICT: 409 } as const;

/** The one place domain errors become tRPC codes; anything unknown is a masked 500. */
export function toTRPCError(err: unknown): TRPCError {
  if (err instanceof TRPCError) return err;
  if (err instanceof DomainError) return new TRPCError({ code: err.kind, message: err.message, cause: err });
  return new TRPCError({ code: "INTERNAL_SERVER_ERROR", message: "Internal error", cause: err });
}

export interface HttpError { status: number; body: { error: { code: string; message: string } } }

/** …and the one place they become HTTP responses for REST routes. */
export function toHttpError(err: unknown): HttpError {
  if (err instanceof DomainError) return { status: HTTP_STATUS[err.kind], body: { error: { code: err.kind, message: err.message } } };
  if (err instanceof ZodError) {
    const issue = err.issues[0];
    const where = issue?.path.length ? `${issue.path.join(".")}: ` : "";
    return { status: 400, body: { error: { code: "BAD_REQUEST", message: `${where}${issue?.message ?? "invalid input"}` } } };
  }
  if (err instanceof SyntaxError) return { status: 400, body: { error: { code: "BAD_REQUEST", message: `body is not valid JSON: ${err.message}` } } };
  console.error("[anvil] unhandled error:", err);
  return { status: 500, body: { error: { code: "INTERNAL_SERVER_ERROR", message: "Internal error" } } };
}
