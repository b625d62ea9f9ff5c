import { sql } from "drizzle-orm";
import { getDb } from "@/server/db/client";

/** Liveness + readiness: 200 once the database answers. */
export async function GET(): Promise<Response> {
  try {
    const db = await getDb();
    await db.execute(sql`select 1`);
    return Response.json({ status: "ok" });
  } catch {
    return Response.json({ status: "unavailable" }, { status: 503 });
  }
}
