import type { Db } from "@/server/db/client";
import { UnauthorizedError, NotFoundError, ForbiddenError } from "@/server/errors";
import type { Actor } from "@/server/tenancy/actor";
import { authenticateApiKey } from "@/server/tenancy/api-keys";
import { getMemberOrg, type OrgContext } from "@/server/tenancy/organizations";
import { can, type Permission } from "@/server/tenancy/permissions";
import { getUser } from "@/server/tenancy/users";
import { authenticateRunToken } from "@/server/tracking/run-tokens";
import { getRunRow } from "@/server/tracking/runs";
import { idSchema } from "@/server/tenancy/validation";

/** Who is calling a REST route, already resolved to exactly one organization. */
export type Principal =
  | { kind: "apiKey"; org: OrgContext; actor: Actor }
  | { kind: "runToken"; org: OrgContext; actor: Actor; runId: string; attempt: number }
  | { kind: "user"; org: OrgContext; actor: Actor };

/**
 * Bearer API key or run token; or, for the browser (EventSource cannot set headers), the web
 * session plus `?org=<slug>`. The org comes from the credential, never from the resource.
 */
export async function authenticate(db: Db, req: Request, sessionUserId: () => Promise<string | null>): Promise<Principal> {
  const header = req.headers.get("authorization");
  if (header) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw new UnauthorizedError("Authorization header must be 'Bearer <API key or run token>'");
    const apiKey = await authenticateApiKey(db, match[1]);
    if (apiKey) return { kind: "apiKey", org: apiKey.org, actor: { kind: "apiKey", apiKeyId: apiKey.apiKeyId, label: `api-key:${apiKey.name}` } };
    const runToken = await authenticateRunToken(db, match[1]);
    if (runToken) {
      // A run token acts with the user role, and only on its own run (requireRun enforces it).
      return { kind: "runToken", org: { ...runToken.org, role: "user", grants: [] }, actor: { kind: "runToken", runId: runToken.runId, label: `run:${runToken.runId}` }, runId: runToken.runId, attempt: runToken.attempt };
    }
    throw new UnauthorizedError("Invalid, expired or revoked token");
  }
  // Only consult Auth.js when a session cookie is present: anonymous calls are refused cheaply.
  const hasSession = /(?:^|;\s*)(?:__Secure-)?authjs\.session-token=/.test(req.headers.get("cookie") ?? "");
  const userId = hasSession ? await sessionUserId() : null;
  const slug = new URL(req.url).searchParams.get("org");
  if (!userId) throw new UnauthorizedError("Send 'Authorization: Bearer <API key or run token>'");
  if (!slug) throw new UnauthorizedError("Browser requests must name the organization with ?org=<slug>");
  const user = await getUser(db, userId);
  if (!user) throw new UnauthorizedError("Your account no longer exists");
  const org = await getMemberOrg(db, userId, slug);
  return { kind: "user", org, actor: { kind: "user", userId, label: user.email } };
}

export function requirePermission(principal: Principal, permission: Permission) {
  if (!can(principal.org.role, permission, principal.org.grants)) throw new ForbiddenError(`This credential's role (${principal.org.role}) cannot ${permission.replace(":", " ")}`);
}

/**
 * The run a write goes to, checked without reading it (hot ingestion path): the write itself
 * confirms the run is in the principal's org and answers 404 otherwise. A run token writes to
 * its own attempt; other credentials to the run's current one (null).
 */
export function runTarget(principal: Principal, runId: string, permission: Permission) {
  if (!idSchema.safeParse(runId).success) throw new NotFoundError("Run");
  if (principal.kind === "runToken" && principal.runId !== runId) throw new NotFoundError("Run");
  requirePermission(principal, permission);
  return { id: runId, orgId: principal.org.id, attempt: principal.kind === "runToken" ? principal.attempt : null };
}

/** The run, in the principal's org; a run token reaches only its own run. */
export async function requireRun(db: Db, principal: Principal, runId: string, permission: Permission) {
  if (!idSchema.safeParse(runId).success) throw new NotFoundError("Run");
  if (principal.kind === "runToken" && principal.runId !== runId) throw new NotFoundError("Run");
  requirePermission(principal, permission);
  const run = await getRunRow(db, principal.org.id, runId);
  // Writes from a token land in its own attempt; others write to the run's current attempt.
  return { ...run, attempt: principal.kind === "runToken" ? principal.attempt : run.attempt };
}

/** Routes about the organization rather than one run: a run token (a job's credential) is refused. */
export function refuseRunToken(principal: Principal): void {
  if (principal.kind === "runToken") throw new ForbiddenError("A run token reaches its own run only; use an API key");
}
