import { Readable } from "node:stream";
import { requirePermission } from "@/server/api/rest/principal";
import { getObjectStore } from "@/server/storage";
import { listArtifacts, openArtifact, uploadArtifact } from "@/server/tracking/artifacts";
import { mlflowExperimentId } from "./entities";
import { mlflowRun } from "./runs";
import { invalid, missing, runIdOf, str, type MlflowContext, type MlflowHandler } from "./protocol";
import { SANDBOX_CSP } from "@/lib/csp";

/** Immediate children of `dir` in a run's artifact tree: files, and folders derived from paths. */
export async function children(ctx: MlflowContext, runId: string, dir: string) {
  const prefix = dir ? `${dir.replace(/\/+$/, "")}/` : "";
  const files = new Map<string, { path: string; is_dir: boolean; file_size?: number }>();
  for (const a of await listArtifacts(ctx.db, ctx.principal.org.id, runId)) {
    if (!a.path.startsWith(prefix)) continue;
    const rest = a.path.slice(prefix.length);
    const slash = rest.indexOf("/");
    if (slash < 0) files.set(a.path, { path: a.path, is_dir: false, file_size: a.size });
    else files.set(prefix + rest.slice(0, slash), { path: prefix + rest.slice(0, slash), is_dir: true });
  }
  return [...files.values()];
}

export const listRunArtifacts: MlflowHandler = async (ctx) => {
  const run = await mlflowRun(ctx, runIdOf(ctx.fields), "run:read");
  const files = await children(ctx, run.id, str(ctx.fields, "path") ?? "");
  const experimentId = await mlflowExperimentId(ctx.db, ctx.principal.org.id, run.experimentId);
  return { root_uri: `mlflow-artifacts:/${experimentId}/${run.id}/artifacts`, files };
};

/** `<experiment>/<run>/artifacts/<path>`: the layout of the artifact URIs we hand out. */
function locate(path: string) {
  const m = /^[^/]+\/([0-9a-f-]{36})\/artifacts(?:\/(.*))?$/i.exec(path.replace(/^\/+/, ""));
  if (!m) throw missing("No such artifact: paths here are <experiment>/<run>/artifacts/<path>");
  return { runId: m[1], rest: m[2] ?? "" };
}

/** The mlflow-artifacts proxy: uploads stream to storage, downloads stream out as attachments. */
export async function proxyArtifact(ctx: MlflowContext, method: string, path: string): Promise<Response | Record<string, unknown>> {
  if (method === "GET" && !path) {
    const dir = locate(str(ctx.fields, "path") ?? "");
    const run = await mlflowRun(ctx, dir.runId, "run:read");
    const files = await children(ctx, run.id, dir.rest);
    return { files: files.map((f) => ({ ...f, path: f.path.slice(dir.rest ? dir.rest.length + 1 : 0) })) };
  }
  const { runId, rest } = locate(path);
  if (!rest) throw invalid("Artifact path names a run's root, not a file");
  if (method === "PUT") {
    requirePermission(ctx.principal, "artifact:create");
    const run = await mlflowRun(ctx, runId, "run:update");
    if (!ctx.req.body) throw invalid("Request body is empty; send the file's bytes");
    await uploadArtifact(ctx.db, getObjectStore(), run, ctx.principal.actor, { path: rest, contentType: ctx.req.headers.get("content-type") ?? "application/octet-stream", body: ctx.req.body });
    return {};
  }
  if (method === "GET") {
    requirePermission(ctx.principal, "artifact:read");
    const run = await mlflowRun(ctx, runId, "run:read");
    const { meta, stream, length } = await openArtifact(ctx.db, getObjectStore(), ctx.principal.org.id, run.id, rest);
    const name = rest.split("/").pop() ?? "artifact";
    return new Response(stream ? (Readable.toWeb(stream) as ReadableStream) : null, {
      headers: {
        "content-type": meta.contentType, "content-length": String(length),
        "content-disposition": `attachment; filename="${name.replace(/[^\w.-]/g, "_")}"`,
        "content-security-policy": SANDBOX_CSP, "x-content-type-options": "nosniff",
      },
    });
  }
  throw invalid(`${method} is not supported on artifacts here`);
}
