import { z } from "zod";

/** JSON has no NaN or ±Infinity, so they travel as strings (as MLflow clients send them). */
const metricValue = z.union([
  z.number(),
  z.enum(["NaN", "Infinity", "-Infinity", "+Infinity", "nan", "inf", "-inf"]),
], { error: "value must be a number or one of \"NaN\", \"Infinity\", \"-Infinity\"" });

export const MAX_METRIC_BATCH = 10_000;

export const metricPointSchema = z.object({
  key: z.string().min(1, "key is required").max(250).regex(/^[\w./ :-]+$/, "key may use letters, digits and _ . / - : space"),
  value: metricValue,
  step: z.number().int("step must be an integer").min(0, "step must be ≥ 0").max(Number.MAX_SAFE_INTEGER),
  /** Milliseconds since 1970; PostgreSQL timestamps end with the year 9999. */
  timestamp: z.number().int().min(0).max(253_402_300_799_999, "timestamp must be milliseconds since 1970, before the year 10000").optional(),
});

export const metricBatchSchema = z.object({
  metrics: z.array(metricPointSchema).min(1, "metrics must hold at least one point").max(MAX_METRIC_BATCH, `at most ${MAX_METRIC_BATCH} points per request`),
});

export type MetricPoint = z.infer<typeof metricPointSchema>;

export function toDouble(value: MetricPoint["value"]): number {
  if (typeof value === "number") return value;
  if (value.toLowerCase() === "nan") return Number.NaN;
  return value.startsWith("-") ? -Infinity : Infinity;
}
