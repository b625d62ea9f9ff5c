import { z } from "zod";
import { idSchema } from "@/server/tenancy/validation";

const name = z.string().trim().min(1, "Name is required").max(60).regex(/^[\w.-]+$/, "Names use letters, digits, _ . -");

export const poolInputSchema = z.object({
  name,
  gpuType: z.string().trim().max(40).regex(/^[\w.-]*$/, "GPU types use letters, digits, _ . -").optional(),
  gpus: z.number().int().min(1).max(100_000),
  costPerGpuHour: z.number().min(0).max(10_000).default(0),
  /** Where its GPUs are: "local" (this machine), a registered cluster, or anywhere when neither. */
  executor: z.enum(["local"]).optional(),
  clusterId: idSchema.optional(),
}).refine((v) => !(v.executor && v.clusterId), { message: "Bind the pool to this machine or to a cluster, not both", path: ["clusterId"] });
export type PoolInput = z.infer<typeof poolInputSchema>;

export const quotaInputSchema = z.object({
  pool: z.string().trim().min(1).max(60),
  nominal: z.number().int().min(0).max(100_000),
  /** GPUs beyond the nominal quota it may borrow from its cohort; absent = as many as are idle. */
  borrowingLimit: z.number().int().min(0).max(100_000).nullable().optional(),
});

export const queueInputSchema = z.object({
  name,
  cohort: z.string().trim().max(60).regex(/^[\w.-]*$/, "Cohorts use letters, digits, _ . -").optional(),
  minRuntimeSeconds: z.number().int().min(0).max(7 * 86_400).default(0),
  /** Fair sharing in the cohort: a queue of weight 2 may borrow twice as much before others go first. */
  weight: z.number().min(0.01).max(1000).default(1),
  isDefault: z.boolean().default(false),
  quotas: z.array(quotaInputSchema).max(50).default([]),
});
export type QueueInput = z.infer<typeof queueInputSchema>;

export const budgetInputSchema = z.object({
  /** Dollars per calendar month (UTC); null removes the budget. */
  monthlyLimit: z.number().min(0).max(1e9).nullable(),
});
