import { TRPCError } from "@trpc/server";
import { notFound } from "next/navigation";

/**
 * For pages: a record that does not exist, or an id that cannot name one, is the 404 page,
 * not an error page. Anything else is rethrown.
 */
export function notFoundOn(err: unknown): never {
  if (err instanceof TRPCError && (err.code === "NOT_FOUND" || err.code === "BAD_REQUEST")) notFound();
  throw err;
}
