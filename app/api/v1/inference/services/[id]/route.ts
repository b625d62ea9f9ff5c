import { serviceRoutes as r } from "@/server/api/rest/service-routes";

export const GET = r.get;
export const PATCH = r.update;
export const DELETE = r.delete;
