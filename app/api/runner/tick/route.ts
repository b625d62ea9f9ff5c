import { timingSafeEqual } from "node:crypto";
import { getDb } from "@/server/db/client";
import { env } from "@/server/env";
import { runOnce } from "@/server/runner/runner";
import { defaultRunnerOptions } from "@/server/runner/runner-options";

/** One runner pass, for Vercel Cron and deterministic e2e tests. Protected by ANVIL_RUNNER_SECRET. */
export async function POST(req: Request): Promise<Response> {
  if (!env.ANVIL_RUNNER_SECRET) return Response.json({ error: { code: "NOT_FOUND", message: "the tick route is disabled; set ANVIL_RUNNER_SECRET" } }, { status: 404 });
  const presented = Buffer.from(req.headers.get("authorization")?.replace(/^Bearer\s+/i, "") ?? "");
  const expected = Buffer.from(env.ANVIL_RUNNER_SECRET);
  if (presented.length !== expected.length || !timingSafeEqual(presented, expected)) {
    return Response.json({ error: { code: "UNAUTHORIZED", message: "wrong or missing runner secret" } }, { status: 401 });
  }
  const result = await runOnce(await getDb(), defaultRunnerOptions("tick"));
  return Response.json(result);
}
