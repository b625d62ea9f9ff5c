import { serviceRoutes as r } from "@/server/api/rest/service-routes";

export const GET = r.list;
export const POST = r.create;
