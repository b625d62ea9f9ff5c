import { formatDuration } from "./utils";

/** Elapsed time of a run, for tables: "1m 05s", "—" before it starts. */
export function runDuration(startedAt: Date | null, finishedAt: Date | null, now: Date): string {
  if (!startedAt) return "—";
  return formatDuration(Math.max(0, (finishedAt ?? now).getTime() - startedAt.getTime()));
}

export function formatDateTime(d: Date | null): string {
  return d ? d.toISOString().replace("T", " ").slice(0, 19) + " UTC" : "—";
}

/** How long something deleted stays restorable: "30 days", "12 hours", "until the next cleanup". */
export function formatPurgeDelay(hours: number): string {
  if (hours <= 0) return "a few minutes, until the next cleanup";
  if (hours % 24 === 0) return `${hours / 24} day${hours === 24 ? "" : "s"}`;
  return `${hours} hour${hours === 1 ? "" : "s"}`;
}

/** When something deleted at `deletedAt` is purged. */
export const purgeDueAt = (deletedAt: Date, purgeAfterHours: number) => new Date(deletedAt.getTime() + purgeAfterHours * 3_600_000);
