import { z } from "zod";
import { CLIENT_END_STATES, type ClientEndState } from "./external-runs";

const scalar = z.union([z.string().max(6000), z.number(), z.boolean()]).transform(String);
const name = z.string().trim().min(1).max(200);
const millis = z.number().int().min(0).max(253_402_300_799_999);

export const startRunSchema = z.object({
  project: name.default("Default"),
  experiment: name.default("Default"),
  name: z.string().trim().max(200).optional(),
  params: z.record(z.string().min(1).max(250), scalar).refine((p) => Object.keys(p).length <= 1_000, "at most 1,000 params").optional(),
  tags: z.record(z.string().min(1).max(250), z.string().max(8000)).refine((t) => Object.keys(t).length <= 1_000, "at most 1,000 tags").optional(),
  /** Seconds of silence before the run is marked crashed; 0 = never. Default 5 minutes. */
  heartbeatTimeout: z.number().int().min(0).max(7 * 24 * 3600).default(300),
  startTime: millis.optional(),
}).strict();

export const finishRunSchema = z.object({
  status: z.enum(Object.keys(CLIENT_END_STATES) as [ClientEndState, ...ClientEndState[]], {
    error: `status must be one of ${Object.keys(CLIENT_END_STATES).join(", ")}`,
  }),
  endTime: millis.optional(),
  message: z.string().max(2000).optional(),
}).strict();
