import { restRoute } from "@/server/api/rest/handler";
import { refuseRunToken, requirePermission } from "@/server/api/rest/principal";
import { seedDatasetById } from "@/server/datasets/seed-views";
import { NotFoundError } from "@/server/errors";
import { idSchema } from "@/server/tenancy/validation";

/** The seed's dataset detail: its latest version in the seed's fields, and every version. */
export const GET = restRoute<{ id: string }>(async ({ db, principal, params }) => {
  refuseRunToken(principal);
  requirePermission(principal, "dataset:read");
  if (!idSchema.safeParse(params.id).success) throw new NotFoundError("Dataset");
  return Response.json(await seedDatasetById(db, principal.org.id, params.id));
});
