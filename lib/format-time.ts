import { formatDuration } from "./utils";

/** Elapsed time of a run, for tables: "1m 05s", "—" before it starts. */
export function runDuration(startedAt: Date | null, finishedAt: Date | null, now: Date): string {
  if (!startedAt) return "—";
  return formatDuration(Math.max(0, (finishedAt ?? now).getTime() - startedAt.getTime()));
}

export function formatDateTime(d: Date | null): string {
  return d ? d.toISOString().replace("T", " ").slice(0, 19) + " UTC" : "—";
}
