import { z } from "zod";
import { sloSchema, variantNameSchema, variantSchema } from "@/server/inference/service-input";

/**
 * A rollout: the candidate is a variant the service has (at weight 0) or one to add, described
 * as for POST /variants. Canary steps are traffic percentages; the SLO defaults to the service's.
 */
export const startRolloutSchema = z.object({
  strategy: z.enum(["immediate", "rolling", "blue-green", "canary"]).default("canary"),
  candidate: z.union([variantNameSchema, variantSchema.omit({ weight: true, shadowPercent: true })]),
  /** The variant that has the traffic now; by default the one with the largest weight. */
  baseline: variantNameSchema.optional(),
  steps: z.array(z.number().int().min(1).max(100)).min(1).max(20)
    .refine((s) => s.every((w, i) => i === 0 || w > s[i - 1]), "Steps rise: e.g. [5, 10, 25, 50, 100]")
    .refine((s) => s.at(-1) === 100, "The last step is 100").optional(),
  /** How long each step runs before its analysis. */
  intervalSeconds: z.number().int().min(1).max(86_400).default(60),
  minRequests: z.number().int().min(1).max(100_000).default(20),
  slo: sloSchema.optional(),
}).strict();
export type StartRolloutInput = z.infer<typeof startRolloutSchema>;

export const DEFAULT_CANARY_STEPS = [5, 10, 25, 50, 100];
/** When a service states no SLO: what a rollout holds the candidate to. */
export const DEFAULT_SLO = { maxErrorRate: 0.05 };
