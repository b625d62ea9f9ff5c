import { createTaskRoute } from "@/server/api/rest/task-routes";

export const POST = createTaskRoute("CONTINUOUS");
