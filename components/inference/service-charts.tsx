"use client";

import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { prepareServiceCharts } from "./prepare-service";

const axisTick = { fill: "var(--muted-foreground)", fontSize: 12 };
type Stats = Parameters<typeof prepareServiceCharts>[0];

/** The last hour per minute: requests and errors, latency and time to first token (p50, p95). */
export function ServiceCharts({ stats }: { stats: Stats }) {
  const rows = prepareServiceCharts(stats);
  if (rows.length === 0) return <p className="text-sm text-muted-foreground">No requests in the last hour. Send one from the playground below, or with curl.</p>;
  const chart = (title: string, lines: Array<{ key: keyof (typeof rows)[number]; name: string; color: string }>, unit = "") => (
    <figure aria-label={title} className="flex flex-col gap-1">
      <figcaption className="text-xs font-medium text-muted-foreground">{title}</figcaption>
      <ResponsiveContainer width="100%" height={160}>
        <LineChart data={rows} margin={{ top: 4, right: 8, bottom: 0, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" />
          <XAxis dataKey="minute" tick={axisTick} />
          <YAxis tick={axisTick} width={44} unit={unit} />
          <Tooltip />
          {lines.map((l) => <Line key={l.key} type="monotone" dataKey={l.key} name={l.name} stroke={l.color} strokeWidth={2} dot={false} isAnimationActive={false} connectNulls />)}
        </LineChart>
      </ResponsiveContainer>
    </figure>
  );
  return (
    <div className="grid gap-4 md:grid-cols-3" data-testid="service-charts">
      {chart("Requests and errors per minute", [{ key: "requests", name: "requests", color: "var(--chart-1)" }, { key: "errors", name: "errors", color: "var(--chart-4)" }])}
      {chart("Latency (ms, p50 and p95)", [{ key: "latencyP50", name: "p50", color: "var(--chart-2)" }, { key: "latencyP95", name: "p95", color: "var(--chart-3)" }])}
      {chart("Time to first token (ms)", [{ key: "ttftP50", name: "p50", color: "var(--chart-2)" }, { key: "ttftP95", name: "p95", color: "var(--chart-3)" }])}
    </div>
  );
}
