import { Readable } from "node:stream";
import { restRoute } from "@/server/api/rest/handler";
import { requireRun } from "@/server/api/rest/principal";
import { ValidationError } from "@/server/errors";
import { getObjectStore } from "@/server/storage";
import { openArtifact, uploadArtifact } from "@/server/tracking/artifacts";
import { SANDBOX_CSP } from "@/lib/csp";

type Params = { runId: string; path: string[] };

/** Streams the body to storage (never buffered whole). */
export const PUT = restRoute<Params>(async ({ req, db, principal, params }) => {
  const run = await requireRun(db, principal, params.runId, "artifact:create");
  if (!req.body) throw new ValidationError("request body is empty; send the file's bytes");
  const stored = await uploadArtifact(db, getObjectStore(), run, principal.actor, {
    path: params.path.join("/"), contentType: req.headers.get("content-type") ?? "application/octet-stream", body: req.body,
  });
  return Response.json(stored, { status: 201 });
});

/**
 * Always a download, under a sandboxing policy and `nosniff`: whatever a run uploaded (HTML,
 * SVG, …) never runs as a page of this site. Previews ask for `?head=<bytes>` and render the
 * bytes as data.
 */
export const GET = restRoute<Params>(async ({ req, db, principal, params }) => {
  await requireRun(db, principal, params.runId, "artifact:read");
  const path = params.path.join("/");
  const head = new URL(req.url).searchParams.get("head");
  if (head !== null && !/^\d{1,9}$/.test(head)) throw new ValidationError("head must be a number of bytes");
  const { meta, stream, length, partial } = await openArtifact(db, getObjectStore(), principal.org.id, params.runId, path, head === null ? undefined : Number(head));
  const name = path.split("/").pop() ?? "artifact";
  return new Response(stream ? (Readable.toWeb(stream) as ReadableStream) : null, {
    headers: {
      "content-type": meta.contentType,
      "content-length": String(length),
      "content-disposition": `attachment; filename="${name.replace(/[^\w.-]/g, "_")}"; filename*=UTF-8''${encodeURIComponent(name)}`,
      "content-security-policy": SANDBOX_CSP,
      "x-content-type-options": "nosniff",
      "cross-origin-resource-policy": "same-origin",
      "x-artifact-size": String(meta.size),
      ...(partial ? { "x-artifact-partial": "true" } : {}),
    },
  });
});
