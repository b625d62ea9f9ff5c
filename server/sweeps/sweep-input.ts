import { z } from "zod";
import { distributedSchema, resourcesSchema, runtimeEnvSchema } from "@/server/training/job-input";
import { idSchema } from "@/server/tenancy/validation";
import { gridSize } from "./algorithms";

const MAX_GRID = 10_000;

const paramName = z.string().regex(/^[A-Za-z_][\w.-]{0,63}$/, "Parameter names start with a letter or _ and use letters, digits, _ . -");

export const paramSpecSchema = z.discriminatedUnion("type", [
  z.object({ name: paramName, type: z.literal("uniform"), low: z.number(), high: z.number() }),
  z.object({ name: paramName, type: z.literal("loguniform"), low: z.number().positive(), high: z.number().positive() }),
  z.object({ name: paramName, type: z.literal("int"), low: z.number().int(), high: z.number().int() }),
  z.object({ name: paramName, type: z.literal("choice"), values: z.array(z.union([z.string().max(200), z.number(), z.boolean()])).min(1).max(100) }),
]).refine((p) => p.type === "choice" || p.low < p.high, { message: "low must be below high", path: ["high"] });

export const objectiveSchema = z.object({
  metric: z.string().trim().min(1).max(250),
  goal: z.enum(["minimize", "maximize"]),
});

/** The job every trial runs: the job form's fields, without name and with the swept params left out. */
export const sweepJobSchema = z.object({
  projectId: idSchema.optional(),
  project: z.string().trim().min(1).max(100).optional(),
  template: z.string().max(60).optional(),
  command: z.string().trim().max(4000).optional(),
  /** Fixed hyperparameters; the swept ones are added per trial. */
  hyperparameters: z.record(paramName, z.union([z.string().max(500), z.number(), z.boolean()])).default({}),
  resources: resourcesSchema.optional(),
  cluster: z.string().trim().min(1).max(60).optional(),
  clusterId: idSchema.optional(),
  distributed: distributedSchema.optional(),
  runtimeEnv: runtimeEnvSchema.optional(),
});

export const createSweepSchema = z.object({
  name: z.string().trim().min(1, "Name is required").max(100),
  job: sweepJobSchema,
  space: z.array(paramSpecSchema).min(1, "Add at least one parameter to search").max(30),
  objectives: z.array(objectiveSchema).min(1).max(2, "One objective, or two for a Pareto front"),
  algorithm: z.enum(["grid", "random", "tpe", "nsga2"]),
  maxTrials: z.number().int().min(1).max(500),
  parallelism: z.number().int().min(1).max(32).default(2),
  /**
   * On the first objective's metric: the median rule (from `minStep`, with `minTrials` completed
   * trials to compare), or ASHA (rungs at minStep·η^k; the best 1/η at each rung go on).
   */
  earlyStopping: z.object({
    rule: z.enum(["median", "asha"]),
    minTrials: z.number().int().min(1).max(100).default(3),
    minStep: z.number().int().min(0).default(5),
    eta: z.number().int().min(2).max(10).default(3),
  }).optional(),
  seed: z.number().int().min(0).max(2 ** 31).default(0),
}).refine((s) => s.algorithm !== "nsga2" || s.objectives.length === 2, { message: "NSGA-II is for two objectives; use TPE or random for one", path: ["algorithm"] })
  .refine((s) => s.algorithm === "nsga2" || s.objectives.length === 1, { message: "Two objectives need NSGA-II", path: ["objectives"] })
  .refine((s) => new Set(s.space.map((p) => p.name)).size === s.space.length, { message: "Each parameter once", path: ["space"] })
  .refine((s) => s.algorithm !== "grid" || gridSize(s.space) <= MAX_GRID, { message: `A grid of more than ${MAX_GRID.toLocaleString("en")} points: use random or TPE, or fewer values`, path: ["space"] });

export type CreateSweepInput = z.infer<typeof createSweepSchema>;
