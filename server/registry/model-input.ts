import { z } from "zod";
import { idSchema } from "@/server/tenancy/validation";

/** Names travel in URLs (`/api/v1/models/{name}`): letters, digits, space, _ . : - and no slash. */
export const modelNameSchema = z.string().trim().min(1, "Name the model").max(200)
  .regex(/^[\w][\w .:-]*$/, "Model names use letters, digits, spaces and _ . : - (no slash), starting with a letter or digit");

/** MLflow's rule: `^[\w-]*$`, at most 255; `latest` and `v<digits>` are taken by the version syntax. */
export const aliasSchema = z.string().trim().min(1).max(255).regex(/^[\w-]+$/, "Aliases use letters, digits, _ and -")
  .refine((a) => a.toLowerCase() !== "latest" && !/^v\d+$/i.test(a), "`latest` and v<number> are reserved for versions");

export const STAGES = ["None", "Staging", "Production", "Archived"] as const;
export type Stage = (typeof STAGES)[number];

const tagsSchema = z.record(z.string().min(1).max(250), z.string().max(5000)).refine((t) => Object.keys(t).length <= 100, "at most 100 tags").default({});

export const createModelSchema = z.object({
  name: modelNameSchema,
  description: z.string().max(5000).default(""),
  tags: tagsSchema,
});

/**
 * A version: a run's artifact (file or folder), or any source URI; MLflow's `runs:/<run>/<path>`
 * and `mlflow-artifacts:/<experiment>/<run>/artifacts/<path>` name a run's artifact too.
 */
export const versionFieldsSchema = z.object({
  runId: idSchema.optional(),
  artifactPath: z.string().trim().min(1).max(1024).optional(),
  source: z.string().trim().min(1).max(2048).optional(),
  datasetVersionId: idSchema.optional(),
  description: z.string().max(5000).default(""),
  tags: tagsSchema,
});

const namesWhat = (v: { source?: string; runId?: string; artifactPath?: string }) => Boolean(v.source || (v.runId && v.artifactPath));
export const NAME_WHAT = "Name the run and its artifact, or a source URI";
export { namesWhat };

export const createVersionSchema = versionFieldsSchema.refine(namesWhat, { message: NAME_WHAT, path: ["artifactPath"] });

export type CreateVersionInput = z.infer<typeof createVersionSchema>;
