import { Readable } from "node:stream";
import { restRoute } from "@/server/api/rest/handler";
import { refuseRunToken, requirePermission } from "@/server/api/rest/principal";
import { getDataset, openVersion } from "@/server/datasets/datasets";
import { NotFoundError } from "@/server/errors";
import { getObjectStore } from "@/server/storage";
import { idSchema } from "@/server/tenancy/validation";
import { SANDBOX_CSP } from "@/lib/csp";

/** The version's bytes, streamed, as a download (never rendered as a page of this site). */
export const GET = restRoute<{ id: string; version: string }>(async ({ db, principal, params }) => {
  refuseRunToken(principal);
  requirePermission(principal, "dataset:read");
  if (!idSchema.safeParse(params.id).success || !/^\d{1,9}$/.test(params.version)) throw new NotFoundError("Dataset version");
  const dataset = await getDataset(db, principal.org.id, params.id);
  const { version, stream } = await openVersion(db, getObjectStore(), principal.org.id, params.id, Number(params.version));
  const name = `${dataset.name}-v${version.version}.${version.format}`.replace(/[^\w.-]/g, "_");
  return new Response(Readable.toWeb(stream) as ReadableStream, {
    headers: {
      "content-type": version.format === "csv" ? "text/csv; charset=utf-8" : "application/x-ndjson",
      "content-length": String(version.size),
      "content-disposition": `attachment; filename="${name}"`,
      "content-security-policy": SANDBOX_CSP,
      "x-content-type-options": "nosniff",
      "x-content-sha256": version.sha256,
    },
  });
});
