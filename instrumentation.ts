/**
 * Runs once when the Next server starts: bring up the database (embedded unless DATABASE_URL
 * is set), apply migrations, and start the in-process runner (ARCHITECTURE.md §1).
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { bootServer } = await import("./server/boot");
  await bootServer();
}

/**
 * Errors thrown while rendering a page or running a server action: logged as one JSON line with
 * the digest Next shows on its error page, so a user's report can be matched to the log.
 */
export async function onRequestError(err: unknown, request: { path: string; method: string }, context: { routerKind: string; routePath: string; routeType: string }) {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { log } = await import("./server/log");
  const digest = (err as { digest?: string }).digest;
  // Redirects and not-found are control flow, not failures.
  if (typeof digest === "string" && /^NEXT_(REDIRECT|HTTP_ERROR_FALLBACK)/.test(digest)) return;
  log.error("page request failed", { requestId: digest, method: request.method, path: request.path, route: context.routePath, kind: context.routeType, err });
}
