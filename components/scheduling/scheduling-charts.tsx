"use client";

import { Area, AreaChart, Bar, BarChart, CartesianGrid, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { money } from "@/lib/format-money";
import { averageUtilisation, utilisationSeries, type HeldInterval } from "./prepare-scheduling";

const axisTick = { fill: "var(--muted-foreground)", fontSize: 12 };
const clock = (seconds: boolean) => (t: number) => new Date(t).toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit", ...(seconds ? { second: "2-digit" } : {}) });
const span = (ms: number) => (ms >= 3_600_000 ? `${Math.round(ms / 3_600_000)} h` : ms >= 60_000 ? `${Math.round(ms / 60_000)} min` : `${Math.max(1, Math.round(ms / 1000))} s`);

/** GPUs held in the pool over the window (the last 24 h, or since the pool was created), against its size. */
export function PoolUtilisationChart({ name, capacity, held, from, to }: { name: string; capacity: number; held: HeldInterval[]; from: number; to: number }) {
  const data = utilisationSeries(held, from, to, 48);
  const avg = averageUtilisation(data, capacity);
  const hhmm = clock(to - from < 3_600_000);
  return (
    <figure aria-label={`GPUs in use in pool ${name}`} data-testid={`utilisation-${name}`}>
      <ResponsiveContainer width="100%" height={160}>
        <AreaChart data={data} margin={{ top: 8, right: 12, bottom: 0, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" />
          <XAxis dataKey="t" type="number" domain={[from, to]} scale="time" tick={axisTick} tickFormatter={hhmm} />
          <YAxis domain={[0, capacity]} allowDecimals={false} tick={axisTick} width={32} />
          <Tooltip labelFormatter={(t) => hhmm(Number(t))} formatter={(v) => [`${v} GPUs`, "in use"]} />
          <ReferenceLine y={capacity} stroke="var(--muted-foreground)" strokeDasharray="4 4" />
          <Area dataKey="gpus" type="stepAfter" stroke="var(--chart-1)" fill="var(--chart-1)" fillOpacity={0.25} isAnimationActive={false} />
        </AreaChart>
      </ResponsiveContainer>
      <figcaption className="text-xs text-muted-foreground">GPUs held, averaged over slices of {span((to - from) / 48)}; dashed: the pool&apos;s {capacity}. {Math.round(avg * 100)} % used over the last {span(to - from)}.</figcaption>
    </figure>
  );
}

/** Spend per UTC day. */
export function DailyCostChart({ days }: { days: Array<{ day: string; gpuHours: number; cost: number }> }) {
  return (
    <figure aria-label="GPU cost per day" data-testid="daily-cost-chart">
      <ResponsiveContainer width="100%" height={220}>
        <BarChart data={days} margin={{ top: 8, right: 12, bottom: 0, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" />
          <XAxis dataKey="day" tick={axisTick} tickFormatter={(d: string) => d.slice(5)} />
          <YAxis tick={axisTick} tickFormatter={(v: number) => money(v)} width={72} />
          <Tooltip formatter={(v, _n, item) => [`${money(Number(v))} · ${(item.payload as { gpuHours: number }).gpuHours.toFixed(2)} GPU-h`, "cost"]} />
          <Bar dataKey="cost" fill="var(--chart-1)" isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
      <figcaption className="text-xs text-muted-foreground">Cost per day (UTC): GPUs × hours held × the pool&apos;s price when the job was admitted.</figcaption>
    </figure>
  );
}
