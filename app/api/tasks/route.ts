import { restRoute } from "@/server/api/rest/handler";
import { refuseRunToken, requirePermission } from "@/server/api/rest/principal";
import { listTasks } from "@/server/pipelines/task-views";

/** The organization's tasks, newest first. */
export const GET = restRoute(async ({ db, principal }) => {
  refuseRunToken(principal);
  requirePermission(principal, "run:read");
  return Response.json({ tasks: await listTasks(db, principal.org.id) });
});
