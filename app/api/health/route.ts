import { sql } from "drizzle-orm";
import { getDb } from "@/server/db/client";

/**
 * Readiness: 200 once the database answers. `?probe=live` is liveness only (the process
 * serves requests; no database call), for orchestrators that restart on liveness failures.
 */
export async function GET(req: Request): Promise<Response> {
  if (new URL(req.url).searchParams.get("probe") === "live") return Response.json({ status: "ok" });
  try {
    const db = await getDb();
    await db.execute(sql`select 1`);
    return Response.json({ status: "ok" });
  } catch {
    return Response.json({ status: "unavailable" }, { status: 503 });
  }
}
