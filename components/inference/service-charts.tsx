"use client";

import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { prepareServiceCharts, type MinuteStats } from "./prepare-service";

const axisTick = { fill: "var(--muted-foreground)", fontSize: 12 };
const label = (metric: string) => metric.replace(/^(latency|ttft)/, "").toLowerCase();
const COLORS = ["var(--chart-1)", "var(--chart-2)", "var(--chart-3)", "var(--chart-4)", "var(--chart-5)"];

/**
 * The last hour per minute, one line per variant: requests (errors dashed), p95 latency and
 * p95 time to first token (p50 dashed when the service has one variant).
 */
export function ServiceCharts({ stats, variants }: { stats: MinuteStats[]; variants: string[] }) {
  const rows = prepareServiceCharts(stats);
  if (rows.length === 0) return <p className="text-sm text-muted-foreground">No requests in the last hour. Send one from the playground below, or with curl.</p>;
  const names = [...new Set([...variants, ...stats.map((m) => m.variant)])];
  const one = names.length === 1;
  const lines = (solid: string, dashed: string | null) => names.flatMap((v, i) => [
    { key: `${solid}:${v}`, name: one ? label(solid) : v, color: COLORS[i % COLORS.length], dash: undefined },
    ...(dashed ? [{ key: `${dashed}:${v}`, name: one ? label(dashed) : `${v} ${label(dashed)}`, color: COLORS[i % COLORS.length], dash: "4 3" }] : []),
  ]);
  const chart = (title: string, series: ReturnType<typeof lines>, unit = "") => (
    <figure aria-label={title} className="flex flex-col gap-1">
      <figcaption className="text-xs font-medium text-muted-foreground">{title}</figcaption>
      <ResponsiveContainer width="100%" height={180}>
        <LineChart data={rows} margin={{ top: 4, right: 8, bottom: 0, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" />
          <XAxis dataKey="minute" tick={axisTick} />
          <YAxis tick={axisTick} width={44} unit={unit} />
          <Tooltip />
          <Legend wrapperStyle={{ fontSize: 11 }} />
          {series.map((l) => <Line key={l.key} type="monotone" dataKey={l.key} name={l.name} stroke={l.color} strokeDasharray={l.dash} strokeWidth={2} dot={false} isAnimationActive={false} connectNulls />)}
        </LineChart>
      </ResponsiveContainer>
    </figure>
  );
  return (
    <div className="grid gap-4 md:grid-cols-3" data-testid="service-charts">
      {chart("Requests per minute (errors dashed)", lines("requests", "errors"))}
      {chart(one ? "Latency (ms, p95; p50 dashed)" : "Latency (ms, p95)", lines("latencyP95", one ? "latencyP50" : null))}
      {chart(one ? "Time to first token (ms, p95; p50 dashed)" : "Time to first token (ms, p95)", lines("ttftP95", one ? "ttftP50" : null))}
    </div>
  );
}
