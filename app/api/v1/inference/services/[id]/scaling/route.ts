import { trafficRoutes as r } from "@/server/api/rest/traffic-routes";

export const GET = r.scaling;
