import { Readable } from "node:stream";
import busboy from "busboy";
import { uploadDataset } from "@/server/datasets/datasets";
import { formatOf, uploadMetaSchema } from "@/server/datasets/dataset-input";
import type { Db } from "@/server/db/client";
import { ValidationError } from "@/server/errors";
import { getObjectStore } from "@/server/storage";
import type { Actor } from "@/server/tenancy/actor";

/**
 * A dataset upload as the REST API takes it: the file as the raw body with its details in the
 * query string, or multipart/form-data (the seed's `POST /api/datasets/upload`: `name`,
 * `datasetType`, `domain` fields before the `file` part). Either way the bytes stream to the
 * store, parsed on the way; nothing is buffered whole.
 */
export async function uploadFromRequest(req: Request, db: Db, orgId: string, actor: Actor) {
  const contentType = req.headers.get("content-type") ?? "";
  if (!req.body) throw new ValidationError("The request has no body: send the file's bytes");
  if (/^multipart\/form-data/i.test(contentType)) return uploadMultipart(req, db, orgId, actor);
  const query = Object.fromEntries(new URL(req.url).searchParams);
  const meta = uploadMetaSchema.parse({ ...query, type: query.type ?? query.datasetType });
  return uploadDataset(db, getObjectStore(), orgId, actor, { ...meta, format: formatOf(meta, contentType) }, req.body);
}

function uploadMultipart(req: Request, db: Db, orgId: string, actor: Actor) {
  return new Promise<Awaited<ReturnType<typeof uploadDataset>>>((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: Object.fromEntries(req.headers), limits: { files: 1, fields: 20, fieldSize: 4096 } });
    } catch (err) {
      return reject(new ValidationError(`Not a multipart body: ${(err as Error).message}`));
    }
    const fields: Record<string, string> = {};
    let started = false;
    parser.on("field", (name, value) => {
      // The query string is checked for NUL and the like before any route runs; form fields here.
      if (/\u0000/.test(value) || /\u0000/.test(name)) return reject(new ValidationError(`The field "${name.replace(/\u0000/g, "")}" contains a NUL character`));
      fields[name] = value;
    });
    parser.on("file", (_name, file, info) => {
      started = true;
      let meta;
      try {
        meta = uploadMetaSchema.parse({ ...fields, type: fields.type ?? fields.datasetType, filename: fields.filename ?? info.filename });
      } catch (err) {
        file.resume();
        return reject(err);
      }
      uploadDataset(db, getObjectStore(), orgId, actor, { ...meta, format: formatOf(meta, info.mimeType) }, file).then(resolve, reject);
    });
    parser.on("error", (err) => reject(new ValidationError(`The multipart body is malformed: ${(err as Error).message}`)));
    parser.on("close", () => { if (!started) reject(new ValidationError("No `file` part: send the dataset as a file field, after `name`")); });
    Readable.fromWeb(req.body as import("node:stream/web").ReadableStream<Uint8Array>).on("error", (err) => parser.destroy(err)).pipe(parser);
  });
}
