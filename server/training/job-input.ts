import { z } from "zod";
import { idSchema } from "@/server/tenancy/validation";

const paramKey = z.string().regex(/^[A-Za-z_][\w.-]{0,63}$/, "Hyperparameter names start with a letter or _ and use letters, digits, _ . - (max 64)");
const envKey = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/, "Environment variable names use letters, digits and _");

export const resourcesSchema = z.object({
  gpuType: z.string().trim().max(40).regex(/^[\w.-]*$/, "GPU types use letters, digits, _ . -").optional(),
  gpuCount: z.number().int().min(0).max(64).default(0),
  cpu: z.number().min(0.1).max(256).default(1),
  memoryGb: z.number().min(0.1).max(2048).default(2),
});

export const distributedSchema = z.object({
  workers: z.number().int().min(1).max(256),
  gpusPerWorker: z.number().int().min(0).max(16).default(0),
  cpusPerWorker: z.number().min(0.1).max(256).default(1),
  memoryGbPerWorker: z.number().min(0.1).max(2048).default(4),
});

export const runtimeEnvSchema = z.object({
  env: z.record(envKey, z.string().max(4000)).refine((e) => Object.keys(e).length <= 100, "at most 100 variables")
    .refine((e) => !Object.keys(e).some((k) => k.startsWith("ANVIL_")), "ANVIL_* variables are set by Anvil").default({}),
  /** Ray `working_dir`: a URI the cluster can fetch (https://…zip, s3://…, gs://…). */
  workingDir: z.string().trim().max(1000).regex(/^[a-z][a-z0-9+.-]*:\/\/\S+$/, "A URI the cluster can fetch, such as https://…/code.zip or s3://bucket/code.zip").optional(),
  pip: z.array(z.string().trim().min(1).max(200).regex(/^[^\s;&|`$]+$/, "One requirement per entry, no spaces")).max(100).default([]),
});

/** What a user submits for a training job; shared by the form, tRPC and the REST API. */
export const submitJobSchema = z.object({
  projectId: idSchema.optional(),
  /** A project by name, created on first use (REST). */
  project: z.string().trim().min(1).max(100).optional(),
  name: z.string().trim().min(1, "Name is required").max(120),
  template: z.string().max(60).optional(),
  command: z.string().trim().max(4000).optional(),
  hyperparameters: z.record(paramKey, z.union([z.string().max(500), z.number(), z.boolean()]))
    .refine((h) => Object.keys(h).length <= 500, "at most 500 hyperparameters").default({}),
  resources: resourcesSchema.default({ gpuCount: 0, cpu: 1, memoryGb: 2 }),
  /** "local" (this machine) unless a registered cluster is named. */
  executor: z.enum(["local"]).default("local"),
  cluster: z.string().trim().min(1).max(60).optional(),
  clusterId: idSchema.optional(),
  distributed: distributedSchema.optional(),
  runtimeEnv: runtimeEnvSchema.optional(),
  /** Resume from a checkpoint: an artifact of another run in this organization. */
  resumeFrom: z.object({ runId: idSchema, path: z.string().min(1).max(1000) }).optional(),
  /** GPU jobs wait for admission in a queue: the one named, else the organization's default. */
  queue: z.string().trim().min(1).max(60).optional(),
  /** Higher goes first in its queue, and may preempt lower-priority jobs of the same queue. */
  priority: z.number().int().min(0).max(1_000_000).default(0),
  /** Further attempts when the executor loses the job (and after a failure, with retryOnFailure). */
  maxRetries: z.number().int().min(0).max(10).default(2),
  retryOnFailure: z.boolean().default(false),
}).refine((v) => v.template || v.command, { message: "Choose a template or enter a command", path: ["command"] })
  .refine((v) => !(v.cluster && v.clusterId), { message: "Name the cluster or give its id, not both", path: ["cluster"] });

export type SubmitJobInput = z.infer<typeof submitJobSchema>;
