import { z } from "zod";
import { modelNameSchema } from "@/server/registry/model-input";

/** Service names are in the gateway's URL: lower-case letters, digits and dashes. */
export const serviceNameSchema = z.string().trim().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "Service names use lower-case letters, digits and - (at most 63), starting with a letter or digit");

const endpoint = z.string().trim().max(500).url("Each endpoint is a base URL such as http://10.0.0.5:8000").regex(/^https?:\/\//, "http:// or https://")
  .transform((u) => u.replace(/\/+$/, "").replace(/\/v1$/, ""));

export const createServiceSchema = z.object({
  name: serviceNameSchema,
  /** vllm: endpoints you run; process: Anvil runs the registered version's example server. */
  backend: z.enum(["vllm", "process"]).default("vllm"),
  protocol: z.enum(["openai", "oip"]).default("openai"),
  /** The model name the endpoints serve (vLLM's --served-model-name); a process service serves its own name by default. */
  servedModel: z.string().trim().min(1, "Name the model the endpoints serve").max(200).optional(),
  endpoints: z.array(endpoint).max(16).refine((e) => new Set(e).size === e.length, "Each endpoint once").default([]),
  replicas: z.number().int().min(1).max(8).default(1),
  upstreamKey: z.string().max(500).optional(),
  /** The registered model version it serves, for the registry's "deployed" view. */
  model: z.object({ name: modelNameSchema, version: z.number().int().min(1) }).optional(),
}).refine((s) => s.backend === "process" || s.endpoints.length > 0, { message: "Give at least one endpoint", path: ["endpoints"] })
  .refine((s) => s.backend === "process" || s.servedModel, { message: "Name the model the endpoints serve", path: ["servedModel"] })
  .refine((s) => s.backend === "vllm" || s.model, { message: "Choose the registered version Anvil should serve", path: ["model"] });
export type CreateServiceInput = z.infer<typeof createServiceSchema>;

export const updateServiceSchema = z.object({
  replicas: z.number().int().min(1).max(8).optional(),
  endpoints: z.array(endpoint).min(1).max(16).refine((e) => new Set(e).size === e.length, "Each endpoint once").optional(),
  upstreamKey: z.string().max(500).nullable().optional(),
});
