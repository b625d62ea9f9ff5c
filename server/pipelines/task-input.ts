import { z } from "zod";
import { ValidationError } from "@/server/errors";
import { idSchema } from "@/server/tenancy/validation";

const paramKey = z.string().regex(/^[A-Za-z_][\w.-]{0,63}$/, "Hyperparameter names start with a letter or _ and use letters, digits, _ . - (max 64)");

export const hyperparametersSchema = z.record(paramKey, z.union([z.string().max(500), z.number(), z.boolean()]))
  .refine((h) => Object.keys(h).length <= 100, "at most 100 hyperparameters").default({});

const serviceUrl = z.string().trim().max(1000).url("A service's base URL, such as http://optimizer:8002").regex(/^https?:\/\//, "http:// or https://");

/** Phases an external HTTP service runs (the seed's async contract) instead of a built-in run. */
export const phaseServicesSchema = z.object({ optimize: serviceUrl.optional(), train: serviceUrl.optional(), evaluate: serviceUrl.optional() });

/** A task as the form, tRPC and the REST API create it. */
export const createTaskSchema = z.object({
  name: z.string({ error: "Name the task (taskName)" }).trim().min(1, "Name the task").max(120),
  mode: z.enum(["STANDARD", "CONTINUOUS"]),
  modelName: z.string({ error: "Name the model (modelName)" }).trim().min(1, "Name the model").max(120),
  /** The dataset the task starts from (its newest version unless one is named). */
  datasetId: idSchema,
  datasetVersion: z.number().int().min(1).optional(),
  /** Held out from training: bad cases come from validation, the score from test. */
  validationDatasetId: idSchema.optional(),
  testDatasetId: idSchema.optional(),
  hyperparameters: hyperparametersSchema,
  maxIterations: z.number().int().min(1).max(1000).default(1),
  performanceThreshold: z.number().finite().min(-1e9).max(1e9).optional(),
  projectId: idSchema.optional(),
  project: z.string().trim().min(1).max(100).optional(),
  services: phaseServicesSchema.optional(),
  /** The bearer token the services take; stored sealed, never shown again. */
  serviceToken: z.string().max(4000).optional(),
}).refine((t) => t.mode === "CONTINUOUS" || t.maxIterations === 1, { message: "A standard task runs one iteration; choose continuous for more", path: ["maxIterations"] });

export type CreateTaskInput = z.infer<typeof createTaskSchema>;

/**
 * The seed's request (`POST /api/tasks/standard` and `/continuous`): `taskName`, `modelName`,
 * `datasetId`, `hyperparameters` as a JSON string (an object is taken too), `maxIterations`,
 * `performanceThreshold`. `userId` is ignored: the API key says who is asking.
 */
export function parseSeedTaskRequest(body: unknown, mode: "STANDARD" | "CONTINUOUS"): CreateTaskInput {
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw new ValidationError("Send a JSON object");
  const b = body as Record<string, unknown>;
  let hyperparameters = b.hyperparameters;
  if (typeof hyperparameters === "string") {
    try {
      hyperparameters = hyperparameters.trim() === "" ? {} : JSON.parse(hyperparameters);
    } catch {
      throw new ValidationError("hyperparameters: a JSON object, or a string holding one");
    }
  }
  return createTaskSchema.parse({
    name: b.taskName ?? b.name, mode, modelName: b.modelName, datasetId: b.datasetId, datasetVersion: b.datasetVersion,
    validationDatasetId: b.validationDatasetId, testDatasetId: b.testDatasetId, hyperparameters: hyperparameters ?? {},
    maxIterations: mode === "STANDARD" ? 1 : b.maxIterations, performanceThreshold: b.performanceThreshold ?? undefined,
    projectId: b.projectId, project: b.project, services: b.services ?? b.phaseServices, serviceToken: b.serviceToken,
  });
}
