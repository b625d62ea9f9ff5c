import "server-only";
import { cache } from "react";
import { currentUserId } from "@/server/auth/session";
import { getDb } from "@/server/db/client";
import { createCaller } from "./root";

/** The tRPC caller for server components and server actions: same procedures, same checks. */
export const serverApi = cache(async () => createCaller({ db: await getDb(), userId: await currentUserId() }));
