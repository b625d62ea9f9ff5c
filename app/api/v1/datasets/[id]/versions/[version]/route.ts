import { restRoute } from "@/server/api/rest/handler";
import { refuseRunToken, requirePermission } from "@/server/api/rest/principal";
import { getVersion } from "@/server/datasets/datasets";
import { NotFoundError } from "@/server/errors";
import { idSchema } from "@/server/tenancy/validation";

/** One version: profile, the first rows, the validation report and its lineage. */
export const GET = restRoute<{ id: string; version: string }>(async ({ db, principal, params }) => {
  refuseRunToken(principal);
  requirePermission(principal, "dataset:read");
  if (!idSchema.safeParse(params.id).success || !/^\d{1,9}$/.test(params.version)) throw new NotFoundError("Dataset version");
  return Response.json(await getVersion(db, principal.org.id, params.id, Number(params.version)));
});
