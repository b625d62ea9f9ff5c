import { cancelTask, createTask, resumeTask, startTask, suspendTask } from "@/server/pipelines/tasks";
import { parseSeedTaskRequest } from "@/server/pipelines/task-input";
import { getTask } from "@/server/pipelines/task-views";
import { NotFoundError } from "@/server/errors";
import { idSchema } from "@/server/tenancy/validation";
import { readJson, restRoute } from "./handler";
import { refuseRunToken, requirePermission } from "./principal";

/** `POST /api/tasks/standard` and `/continuous`: the seed's request, answered with the task (201). */
export const createTaskRoute = (mode: "STANDARD" | "CONTINUOUS") => restRoute(async ({ req, db, principal }) => {
  refuseRunToken(principal);
  requirePermission(principal, "run:create");
  const task = await createTask(db, principal.org, principal.actor, parseSeedTaskRequest(await readJson(req), mode));
  return Response.json(await getTask(db, principal.org.id, task.id), { status: 201 });
});

const ACTIONS = { start: startTask, suspend: suspendTask, resume: resumeTask, cancel: cancelTask };

/** `POST /api/tasks/{id}/start` (and suspend, resume, cancel): the task as it is now (202 while the runner acts). */
export const taskActionRoute = (action: keyof typeof ACTIONS) => restRoute<{ id: string }>(async ({ db, principal, params }) => {
  refuseRunToken(principal);
  requirePermission(principal, "run:execute");
  if (!idSchema.safeParse(params.id).success) throw new NotFoundError("Task");
  await ACTIONS[action](db, principal.org, principal.actor, params.id);
  return Response.json(await getTask(db, principal.org.id, params.id), { status: 202 });
});
