"use client";

import { CartesianGrid, ComposedChart, Line, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { formatNumber } from "@/lib/utils";
import { prepareScores } from "./prepare-pipeline";

const axisTick = { fill: "var(--muted-foreground)", fontSize: 12 };

/** The evaluation score of each iteration, the best so far, and the threshold the task stops at. */
export function ScoreChart({ scores, threshold, maxIterations }: { scores: Array<{ iteration: number; score: number }>; threshold: number | null; maxIterations: number }) {
  const data = prepareScores(scores);
  if (data.length === 0) return <p className="text-sm text-muted-foreground">The chart starts when the first evaluation finishes.</p>;
  return (
    <figure aria-label="Score per iteration" data-testid="score-chart">
      <ResponsiveContainer width="100%" height={220}>
        <ComposedChart data={data} margin={{ top: 8, right: 16, bottom: 4, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" />
          <XAxis dataKey="iteration" type="number" domain={[1, Math.max(maxIterations, 2)]} allowDecimals={false} tick={axisTick} label={{ value: "iteration", position: "insideBottomRight", offset: -2, fill: "var(--muted-foreground)", fontSize: 11 }} />
          <YAxis tick={axisTick} tickFormatter={formatNumber} width={52} domain={["auto", "auto"]} />
          <Tooltip formatter={(v) => formatNumber(Number(v))} labelFormatter={(l) => `iteration ${l}`} />
          {threshold !== null ? <ReferenceLine y={threshold} stroke="var(--chart-3)" strokeDasharray="4 4" label={{ value: `threshold ${formatNumber(threshold)}`, position: "insideTopLeft", fill: "var(--muted-foreground)", fontSize: 11 }} /> : null}
          <Line name="score" dataKey="score" stroke="var(--chart-1)" strokeWidth={2} dot={{ r: 4 }} isAnimationActive={false} />
          <Line name="best so far" dataKey="best" type="stepAfter" stroke="var(--chart-2)" strokeDasharray="2 3" dot={false} isAnimationActive={false} />
        </ComposedChart>
      </ResponsiveContainer>
      <figcaption className="text-xs text-muted-foreground">Solid: each iteration&apos;s score. Dotted: the best so far.{threshold !== null ? " Dashed: the threshold that stops the task." : ""}</figcaption>
    </figure>
  );
}
