import { restRoute } from "@/server/api/rest/handler";
import { refuseRunToken, requirePermission } from "@/server/api/rest/principal";
import { NotFoundError } from "@/server/errors";
import { listExecutions } from "@/server/pipelines/task-views";
import { idSchema } from "@/server/tenancy/validation";

/** One record per phase per iteration: input and output datasets, model, report, score, times, status. */
export const GET = restRoute<{ id: string }>(async ({ db, principal, params }) => {
  refuseRunToken(principal);
  requirePermission(principal, "run:read");
  if (!idSchema.safeParse(params.id).success) throw new NotFoundError("Task");
  return Response.json({ executions: await listExecutions(db, principal.org.id, params.id) });
});
