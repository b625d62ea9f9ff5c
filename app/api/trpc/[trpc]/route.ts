import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { appRouter } from "@/server/api/root";
import { currentUserId } from "@/server/auth/session";
import { getDb } from "@/server/db/client";

const handler = (req: Request) =>
  fetchRequestHandler({
    endpoint: "/api/trpc",
    req,
    router: appRouter,
    createContext: async () => ({ db: await getDb(), userId: await currentUserId() }),
  });

export { handler as GET, handler as POST };
