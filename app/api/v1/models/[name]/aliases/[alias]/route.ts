import { modelsRoutes as r } from "@/server/api/rest/model-routes";

export const GET = r.alias;
export const PUT = r.setAlias;
export const DELETE = r.deleteAlias;
