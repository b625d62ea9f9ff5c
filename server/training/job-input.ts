import { z } from "zod";
import { idSchema } from "@/server/tenancy/validation";

const paramKey = z.string().regex(/^[A-Za-z_][\w.-]{0,63}$/, "Hyperparameter names start with a letter or _ and use letters, digits, _ . - (max 64)");

export const resourcesSchema = z.object({
  gpuType: z.string().trim().max(40).optional(),
  gpuCount: z.number().int().min(0).max(64).default(0),
  cpu: z.number().min(0.1).max(256).default(1),
  memoryGb: z.number().min(0.1).max(2048).default(2),
});

/** What a user submits for a training job; shared by the form, tRPC and the REST API. */
export const submitJobSchema = z.object({
  projectId: idSchema.optional(),
  name: z.string().trim().min(1, "Name is required").max(120),
  template: z.string().max(60).optional(),
  command: z.string().trim().max(4000).optional(),
  hyperparameters: z.record(paramKey, z.union([z.string().max(500), z.number(), z.boolean()]))
    .refine((h) => Object.keys(h).length <= 500, "at most 500 hyperparameters").default({}),
  resources: resourcesSchema.default({ gpuCount: 0, cpu: 1, memoryGb: 2 }),
  executor: z.enum(["local"]).default("local"),
  /** Further attempts when the executor loses the job (and after a failure, with retryOnFailure). */
  maxRetries: z.number().int().min(0).max(10).default(2),
  retryOnFailure: z.boolean().default(false),
}).refine((v) => v.template || v.command, { message: "Choose a template or enter a command", path: ["command"] });

export type SubmitJobInput = z.infer<typeof submitJobSchema>;
