import { modelsRoutes as r } from "@/server/api/rest/model-routes";

export const GET = r.version;
export const PATCH = r.updateVersion;
export const DELETE = r.deleteVersion;
