import { readJson, restRoute } from "@/server/api/rest/handler";
import { refuseRunToken, requirePermission } from "@/server/api/rest/principal";
import { ForbiddenError, ValidationError } from "@/server/errors";
import { idSchema } from "@/server/tenancy/validation";
import { parseJobRequest } from "@/server/training/job-request";
import { getJob, listJobs } from "@/server/training/job-views";
import { submitJob } from "@/server/training/jobs";

/** Training jobs, newest first: ?status=RUNNING,QUEUED &project= &cluster= &limit= &before=<id>. */
export const GET = restRoute(async ({ req, db, principal }) => {
  refuseRunToken(principal);
  requirePermission(principal, "run:read");
  const url = new URL(req.url);
  const limit = Number(url.searchParams.get("limit") ?? 50);
  if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw new ValidationError("limit must be an integer from 1 to 500");
  const before = url.searchParams.get("before") ?? undefined;
  if (before !== undefined && !idSchema.safeParse(before).success) throw new ValidationError("before must be a job id");
  const jobs = await listJobs(db, principal.org.id, {
    status: url.searchParams.get("status") ?? undefined, project: url.searchParams.get("project") ?? undefined,
    cluster: url.searchParams.get("cluster") ?? undefined, limit, before,
  });
  return Response.json({ jobs, next: jobs.length === limit ? jobs[jobs.length - 1].id : null });
});

/** Submits a job: a template or an entrypoint, on this machine or a registered cluster. */
export const POST = restRoute(async ({ req, db, principal }) => {
  if (principal.kind === "runToken") throw new ForbiddenError("A run token cannot submit jobs; use an API key");
  requirePermission(principal, "run:create");
  const input = parseJobRequest(await readJson(req));
  const run = await submitJob(db, principal.org, principal.actor, input);
  const job = await getJob(db, principal.org.id, run.id);
  const url = new URL(req.url);
  return Response.json({ ...job, url: `${url.origin}/${principal.org.slug}/training/${run.id}` }, { status: 201 });
});
