import { sql } from "drizzle-orm";
import { inferenceServices } from "@/server/db/schema";
import { defineLifecycle } from "@/server/runner/lifecycle";

/**
 * A service is DEPLOYING until a replica answers its health check, READY while every replica
 * does, DEGRADED while some do not (the gateway uses the healthy ones), UNAVAILABLE while none
 * does, and STOPPED when deleted (the gateway refuses it; its history stays).
 */
export const serviceLifecycle = defineLifecycle({
  name: "inference_service",
  table: inferenceServices,
  statuses: ["DEPLOYING", "READY", "DEGRADED", "UNAVAILABLE", "STOPPED"],
  initial: "DEPLOYING",
  transitions: {
    DEPLOYING: ["READY", "DEGRADED", "UNAVAILABLE", "STOPPED"],
    READY: ["DEGRADED", "UNAVAILABLE", "STOPPED"],
    DEGRADED: ["READY", "UNAVAILABLE", "STOPPED"],
    UNAVAILABLE: ["READY", "DEGRADED", "STOPPED"],
    STOPPED: [],
  },
  terminal: ["STOPPED"],
  enterColumns: () => ({ updatedAt: sql`now()` }),
});

export type ServiceStatus = (typeof serviceLifecycle.statuses)[number];
