import { modelsRoutes as r } from "@/server/api/rest/model-routes";

export const GET = r.compare;
