import { sql } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/server/db/client";
import { serviceFeedback } from "@/server/db/schema";
import { ValidationError } from "@/server/errors";
import { REQUEST_ID, variantOfRequestId } from "@/server/inference/request-ids";
import { getServiceRow } from "@/server/inference/service-rows";

/**
 * Feedback on one answer: a thumb (up = 1, down = 0) or a score, by the `x-anvil-request-id` the
 * gateway gave the answer. The id names the variant and is signed, so feedback counts for the
 * variant that answered (even one removed since) and only for answers the gateway gave.
 * Feedback again on the same id replaces it.
 */
export const feedbackSchema = z.object({
  requestId: z.string().regex(REQUEST_ID, "The x-anvil-request-id header of the answer, e.g. primary.3f2a9c0d11b4e7a8.9b1c0e2f4a6d8c1e"),
  thumb: z.enum(["up", "down"]).optional(),
  score: z.number().finite().min(-1e6).max(1e6).optional(),
}).strict().refine((f) => (f.thumb === undefined) !== (f.score === undefined), "Give either thumb (up or down) or score");

export async function recordFeedback(db: Db, orgId: string, idOrName: string, raw: unknown) {
  const f = feedbackSchema.parse(raw);
  const service = await getServiceRow(db, orgId, idOrName);
  if (service.status === "STOPPED") throw new ValidationError("The service was deleted");
  const variant = variantOfRequestId(service.id, f.requestId);
  if (!variant) throw new ValidationError("This service's gateway did not give that request id");
  const kind = f.thumb !== undefined ? "thumb" as const : "score" as const;
  const value = f.thumb !== undefined ? (f.thumb === "up" ? 1 : 0) : f.score!;
  const [row] = await db.insert(serviceFeedback).values({ orgId, serviceId: service.id, variant, requestId: f.requestId, kind, value })
    .onConflictDoUpdate({ target: [serviceFeedback.serviceId, serviceFeedback.requestId], set: { kind, value, at: sql`now()` } }).returning();
  return { requestId: row.requestId, variant: row.variant, kind: row.kind, value: row.value };
}
