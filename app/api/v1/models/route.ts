import { modelsRoutes as r } from "@/server/api/rest/model-routes";

export const GET = r.list;
export const POST = r.create;
