import { Readable } from "node:stream";
import { restRoute } from "@/server/api/rest/handler";
import { requireRun } from "@/server/api/rest/principal";
import { ValidationError } from "@/server/errors";
import { getObjectStore } from "@/server/storage";
import { openArtifact, uploadArtifact } from "@/server/tracking/artifacts";

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

export const GET = restRoute<Params>(async ({ db, principal, params }) => {
  await requireRun(db, principal, params.runId, "artifact:read");
  const path = params.path.join("/");
  const { meta, stream } = await openArtifact(db, getObjectStore(), principal.org.id, params.runId, path);
  const inline = /^(text\/|application\/json|image\/)/.test(meta.contentType);
  return new Response(Readable.toWeb(stream) as ReadableStream, {
    headers: {
      "content-type": meta.contentType, "content-length": String(meta.size),
      "content-disposition": `${inline ? "inline" : "attachment"}; filename="${encodeURIComponent(path.split("/").pop() ?? "artifact")}"`,
      "x-content-type-options": "nosniff",
    },
  });
});
