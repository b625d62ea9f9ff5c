import { z } from "zod";
import { readJson, restRoute } from "@/server/api/rest/handler";
import { requireRun } from "@/server/api/rest/principal";
import { auditRunWrite, setTags } from "@/server/tracking/runs";

const MAX_TAGS_PER_REQUEST = 1_000;
const body = z.object({
  tags: z.record(z.string().min(1).max(250), z.string().max(5000)).refine((t) => Object.keys(t).length <= MAX_TAGS_PER_REQUEST, `at most ${MAX_TAGS_PER_REQUEST} tags per request`),
});

export const POST = restRoute<{ runId: string }>(async ({ req, db, principal, params }) => {
  const run = await requireRun(db, principal, params.runId, "run:update");
  const input = body.parse(await readJson(req));
  await db.transaction(async (tx) => {
    await setTags(tx, run, input.tags);
    await auditRunWrite(tx, run, principal.actor, "run.tags", { keys: Object.keys(input.tags) });
  });
  return Response.json({ ok: true });
});
