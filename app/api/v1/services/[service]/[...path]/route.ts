import { restRoute } from "@/server/api/rest/handler";
import { refuseRunToken, requirePermission } from "@/server/api/rest/principal";
import { gateway } from "@/server/inference/gateway";

/** The gateway: `/api/v1/services/{service}/v1/chat/completions` and the rest (server/inference/gateway.ts). */
const handler = restRoute<{ service: string; path: string[] }>(async ({ req, db, principal, params }) => {
  refuseRunToken(principal);
  requirePermission(principal, "service:execute");
  return gateway(req, db, principal.org.id, params.service, params.path);
});

export const GET = handler;
export const POST = handler;
