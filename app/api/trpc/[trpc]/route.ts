import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { requestIdFrom } from "@/server/api/error-mapping";
import { readCapped } from "@/server/api/input-guard";
import { appRouter } from "@/server/api/root";
import { currentUserId } from "@/server/auth/session";
import { getDb } from "@/server/db/client";

/** Procedure calls are small; a bigger body is refused before it is read whole. */
const MAX_BODY_BYTES = 4 * 1024 * 1024;

async function handler(req: Request): Promise<Response> {
  const requestId = requestIdFrom(req.headers);
  let request = req;
  if (req.method === "POST") {
    try {
      request = new Request(req, { body: await readCapped(req, MAX_BODY_BYTES) });
    } catch {
      return Response.json({ error: { code: "PAYLOAD_TOO_LARGE", message: `body larger than ${MAX_BODY_BYTES} bytes` } }, { status: 413, headers: { "x-request-id": requestId } });
    }
  }
  const response = await fetchRequestHandler({
    endpoint: "/api/trpc",
    req: request,
    router: appRouter,
    createContext: async () => ({ db: await getDb(), userId: await currentUserId(), requestId }),
  });
  response.headers.set("x-request-id", requestId);
  return response;
}

export { handler as GET, handler as POST };
