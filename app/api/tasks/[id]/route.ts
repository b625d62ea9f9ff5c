import { restRoute } from "@/server/api/rest/handler";
import { refuseRunToken, requirePermission } from "@/server/api/rest/principal";
import { NotFoundError } from "@/server/errors";
import { getTask } from "@/server/pipelines/task-views";
import { idSchema } from "@/server/tenancy/validation";

/** The task (the seed's MLTask fields and more): status, iteration, scores, stop reason, history. */
export const GET = restRoute<{ id: string }>(async ({ db, principal, params }) => {
  refuseRunToken(principal);
  requirePermission(principal, "run:read");
  if (!idSchema.safeParse(params.id).success) throw new NotFoundError("Task");
  return Response.json(await getTask(db, principal.org.id, params.id));
});
