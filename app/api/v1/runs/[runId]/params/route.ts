import { z } from "zod";
import { readJson, restRoute } from "@/server/api/rest/handler";
import { requireRun } from "@/server/api/rest/principal";
import { auditRunWrite, logParams } from "@/server/tracking/runs";

const scalar = z.union([z.string().max(6000), z.number(), z.boolean()]).transform(String);
/** MLflow takes 100 params per batch; we take up to 1,000 (documented in the README). */
const MAX_PARAMS_PER_REQUEST = 1_000;
const body = z.object({
  params: z.record(z.string().min(1).max(250), scalar).refine((p) => Object.keys(p).length <= MAX_PARAMS_PER_REQUEST, `at most ${MAX_PARAMS_PER_REQUEST} params per request`),
});

/** Params are write-once: the same value again is fine, a different one is 409. */
export const POST = restRoute<{ runId: string }>(async ({ req, db, principal, params }) => {
  const run = await requireRun(db, principal, params.runId, "run:update");
  const input = body.parse(await readJson(req));
  await db.transaction(async (tx) => {
    await logParams(tx, run, input.params);
    await auditRunWrite(tx, run, principal.actor, "run.params", { keys: Object.keys(input.params) });
  });
  return Response.json({ ok: true });
});
