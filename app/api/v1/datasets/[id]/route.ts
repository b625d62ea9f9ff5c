import { restRoute } from "@/server/api/rest/handler";
import { refuseRunToken, requirePermission } from "@/server/api/rest/principal";
import { getDataset } from "@/server/datasets/datasets";
import { NotFoundError } from "@/server/errors";
import { idSchema } from "@/server/tenancy/validation";

/** The dataset with every version: size, rows, columns with statistics, validation report, lineage. */
export const GET = restRoute<{ id: string }>(async ({ db, principal, params }) => {
  refuseRunToken(principal);
  requirePermission(principal, "dataset:read");
  if (!idSchema.safeParse(params.id).success) throw new NotFoundError("Dataset");
  return Response.json(await getDataset(db, principal.org.id, params.id));
});
