/** Elapsed time of a run, for tables: "1m 05s", "—" before it starts. */
export function runDuration(startedAt: Date | null, finishedAt: Date | null, now: Date): string {
  if (!startedAt) return "—";
  const ms = Math.max(0, (finishedAt ?? now).getTime() - startedAt.getTime());
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, "0")}m`;
}

export function formatDateTime(d: Date | null): string {
  return d ? d.toISOString().replace("T", " ").slice(0, 19) + " UTC" : "—";
}
