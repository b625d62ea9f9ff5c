import { restRoute } from "@/server/api/rest/handler";
import { refuseRunToken, requirePermission } from "@/server/api/rest/principal";
import { uploadFromRequest } from "@/server/api/rest/dataset-upload";
import { datasetView, listDatasets, versionView } from "@/server/datasets/datasets";

export const GET = restRoute(async ({ db, principal }) => {
  refuseRunToken(principal);
  requirePermission(principal, "dataset:read");
  return Response.json({ datasets: await listDatasets(db, principal.org.id) });
});

/**
 * Uploads a version: the file as the body (`?name=&type=&domain=&format=csv|jsonl`), or
 * multipart/form-data. The same bytes as an existing version give that version (`200`,
 * `"created": false`); new bytes a new version (`201`).
 */
export const POST = restRoute(async ({ req, db, principal }) => {
  refuseRunToken(principal);
  requirePermission(principal, "dataset:create");
  const { dataset, version, created } = await uploadFromRequest(req, db, principal.org.id, principal.actor);
  return Response.json({ dataset: datasetView(dataset), version: versionView(version), created }, { status: created ? 201 : 200 });
});
