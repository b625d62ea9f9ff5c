import { sql } from "drizzle-orm";
import { runs } from "@/server/db/schema";
import type { RemoteStatus } from "@/server/executors/types";
import type { ColumnValues } from "./lifecycle";
import type { RunStatus } from "./run-lifecycle";

/** The start time the executor saw, unless the run already has one (a retry keeps the first). */
export function executorStart(status: RemoteStatus): ColumnValues<typeof runs> {
  return status.startedAt ? { startedAt: sql`coalesce(${runs.startedAt}, ${status.startedAt}::timestamptz)` } : {};
}

/** A cancel that lost the race to completion still ends CANCELLED, noting how the job really ended. */
export function finalStatus(desired: "RUN" | "CANCEL" | "PREEMPT", status: RemoteStatus, note: string | null): [RunStatus, string] {
  const how = status.state === "SUCCEEDED" ? "exited with code 0"
    : status.state === "FAILED" ? (status.message ?? `exited with code ${status.exitCode}`)
    : status.state === "STOPPED" ? "stopped"
    : `lost: ${status.message ?? "the executor no longer knows this job"}`;
  if (desired === "CANCEL") return ["CANCELLED", status.state === "STOPPED" ? "Cancelled" : `Cancelled (the job had ${how})`];
  if (status.state === "SUCCEEDED") return ["SUCCEEDED", "Succeeded"];
  if (status.state === "STOPPED") return ["FAILED", "Stopped outside Anvil"];
  const text = how.charAt(0).toUpperCase() + how.slice(1);
  return ["FAILED", note ? `${text}; ${note}` : text];
}
