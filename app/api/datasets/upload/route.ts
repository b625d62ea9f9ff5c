import { restRoute } from "@/server/api/rest/handler";
import { refuseRunToken, requirePermission } from "@/server/api/rest/principal";
import { uploadFromRequest } from "@/server/api/rest/dataset-upload";
import { seedDatasetView } from "@/server/datasets/seed-views";

/**
 * The seed's upload: multipart/form-data with `name`, `datasetType`, `domain` and then `file`
 * (its `userId` is the API key's organization here). Answers the seed's Dataset fields.
 */
export const POST = restRoute(async ({ req, db, principal }) => {
  refuseRunToken(principal);
  requirePermission(principal, "dataset:create");
  const { dataset, version, created } = await uploadFromRequest(req, db, principal.org.id, principal.actor);
  return Response.json({ ...seedDatasetView(dataset, version), created }, { status: created ? 201 : 200 });
});
