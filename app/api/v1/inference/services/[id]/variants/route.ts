import { serviceRoutes as r } from "@/server/api/rest/service-routes";

export const GET = r.variants;
export const POST = r.addVariant;
