"use client";

import { CartesianGrid, ComposedChart, Line, ResponsiveContainer, Scatter, ScatterChart, Tooltip, XAxis, YAxis } from "recharts";
import { CompareAnalysis } from "@/components/experiments/compare-analysis";
import { formatNumber } from "@/lib/utils";
import { parallelRows, preparePareto, prepareProgress, type Goal, type TrialLike } from "./prepare-sweep";

const axisTick = { fill: "var(--muted-foreground)", fontSize: 12 };

/** Each finished trial's objective (dots) and the best so far (line), in submission order. */
export function SweepProgressChart({ trials, metric, goal }: { trials: TrialLike[]; metric: string; goal: Goal }) {
  const data = prepareProgress(trials, goal);
  if (!data.some((p) => p.value !== null)) return <p className="text-sm text-muted-foreground">The chart starts when the first trial finishes with {metric}.</p>;
  return (
    <figure aria-label={`${metric} per trial`} data-testid="sweep-progress-chart">
      <ResponsiveContainer width="100%" height={240}>
        <ComposedChart data={data} margin={{ top: 8, right: 12, bottom: 4, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" />
          <XAxis dataKey="trial" type="number" domain={[1, "dataMax"]} allowDecimals={false} tick={axisTick} label={{ value: "trial", position: "insideBottomRight", offset: -2, fill: "var(--muted-foreground)", fontSize: 11 }} />
          <YAxis tick={axisTick} tickFormatter={formatNumber} width={56} domain={["auto", "auto"]} />
          <Tooltip formatter={(v) => formatNumber(Number(v))} labelFormatter={(l) => `trial ${l}`} />
          <Scatter name={metric} dataKey="value" fill="var(--chart-1)" isAnimationActive={false} />
          <Line name={`best ${metric}`} dataKey="best" type="stepAfter" stroke="var(--chart-2)" strokeWidth={2} dot={false} isAnimationActive={false} connectNulls />
        </ComposedChart>
      </ResponsiveContainer>
      <figcaption className="text-xs text-muted-foreground">Dots: each finished trial&apos;s {metric}. Line: the best so far ({goal === "minimize" ? "lowest" : "highest"}).</figcaption>
    </figure>
  );
}

/** Two objectives: every finished trial, the Pareto-optimal ones joined. */
export function SweepParetoChart({ trials, metrics, goals }: { trials: TrialLike[]; metrics: [string, string]; goals: [Goal, Goal] }) {
  const { points, front } = preparePareto(trials, goals);
  if (points.length === 0) return <p className="text-sm text-muted-foreground">The front appears as trials finish with both {metrics[0]} and {metrics[1]}.</p>;
  return (
    <figure aria-label="Pareto front" data-testid="pareto-chart">
      <ResponsiveContainer width="100%" height={280}>
        <ScatterChart margin={{ top: 8, right: 12, bottom: 16, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" />
          <XAxis dataKey="x" type="number" name={metrics[0]} tick={axisTick} tickFormatter={formatNumber} domain={["auto", "auto"]} label={{ value: `${metrics[0]} (${goals[0]})`, position: "insideBottom", offset: -10, fill: "var(--muted-foreground)", fontSize: 11 }} />
          <YAxis dataKey="y" type="number" name={metrics[1]} tick={axisTick} tickFormatter={formatNumber} width={56} domain={["auto", "auto"]} label={{ value: metrics[1], angle: -90, position: "insideLeft", fill: "var(--muted-foreground)", fontSize: 11 }} />
          <Tooltip formatter={(v) => formatNumber(Number(v))} />
          <Scatter name="trials" data={points.filter((p) => !p.onFront)} fill="var(--muted-foreground)" fillOpacity={0.5} isAnimationActive={false} />
          <Scatter name="Pareto front" data={front} fill="var(--chart-2)" line={{ stroke: "var(--chart-2)", strokeWidth: 2 }} isAnimationActive={false} />
        </ScatterChart>
      </ResponsiveContainer>
      <figcaption className="text-xs text-muted-foreground">{front.length} of {points.length} finished trials are Pareto-optimal: no other trial is better on both {metrics[0]} and {metrics[1]}.</figcaption>
    </figure>
  );
}

export function SweepParallel({ trials, metrics }: { trials: TrialLike[]; metrics: string[] }) {
  const rows = parallelRows(trials, metrics);
  if (rows.length < 2) return <p className="text-sm text-muted-foreground">Parallel coordinates appear once two trials have finished.</p>;
  return <CompareAnalysis rows={rows} />;
}
