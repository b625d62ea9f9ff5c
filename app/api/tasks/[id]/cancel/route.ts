import { taskActionRoute } from "@/server/api/rest/task-routes";

export const POST = taskActionRoute("cancel");
