import { serviceRoutes as r } from "@/server/api/rest/service-routes";

export const GET = r.variant;
export const PATCH = r.updateVariant;
export const DELETE = r.removeVariant;
