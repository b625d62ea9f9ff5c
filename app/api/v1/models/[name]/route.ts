import { modelsRoutes as r } from "@/server/api/rest/model-routes";

export const GET = r.get;
export const PATCH = r.update;
export const DELETE = r.delete;
