import { z } from "zod";
import { ValidationError } from "@/server/errors";
import { submitJobSchema, type SubmitJobInput } from "./job-input";

/**
 * The REST body of POST /api/v1/train/jobs: the form's fields, plus `entrypoint` as another
 * name for `command` and `executor` naming a cluster kind ("ray", "kuberay") with `cluster`.
 */
const restBody = z.object({
  entrypoint: z.string().optional(),
  command: z.string().optional(),
  executor: z.string().max(40).optional(),
  cluster: z.string().optional(),
}).passthrough();

export function parseJobRequest(body: unknown): SubmitJobInput {
  const raw = restBody.parse(body);
  const { entrypoint, executor, ...rest } = raw;
  if (entrypoint !== undefined && raw.command !== undefined) throw new ValidationError("Give `entrypoint` or `command`, not both");
  if (executor !== undefined && executor !== "local" && executor !== "ray" && executor !== "kuberay") {
    throw new ValidationError(`Unknown executor "${executor}": "local", or "ray" / "kuberay" with \`cluster\` naming a registered cluster`);
  }
  if ((executor === "ray" || executor === "kuberay") && !raw.cluster) throw new ValidationError(`executor "${executor}" needs \`cluster\`: the name of a registered cluster`);
  if (executor === "local" && raw.cluster) throw new ValidationError("executor \"local\" runs on this machine; drop `cluster` or the executor");
  return submitJobSchema.parse({ ...rest, ...(entrypoint !== undefined ? { command: entrypoint } : {}), executor: "local" });
}
