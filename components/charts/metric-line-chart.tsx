"use client";

import { ChartLine } from "lucide-react";
import { useId, useMemo, useState, type ReactNode } from "react";
import { Area, CartesianGrid, ComposedChart, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { EmptyState } from "@/components/ui/empty-state";
import { cn, formatDuration, formatNumber } from "@/lib/utils";
import { ChartTooltip } from "./chart-tooltip";
import { OverlayPlot } from "./overlay-plot";
import {
  MAX_SMOOTHING,
  type MetricSeries,
  type PreparedLineChart,
  type XMode,
  X_KEY,
  prepareLineChart,
  rowsForLine,
} from "./prepare-line-chart";

export type MetricLineChartProps = {
  series: MetricSeries[];
  title?: ReactNode;
  /** Plot area height in px; the width follows the container. */
  height?: number;
  defaultX?: XMode;
  defaultSmoothing?: number;
  defaultLogScale?: boolean;
  /** Shown in the empty state; say how to log the first point. */
  emptyDescription?: ReactNode;
  className?: string;
};

const timeOfDay = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });
const timeWithSeconds = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit", second: "2-digit" });
const dateAndTime = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });

const fullDateTime = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "medium" });
const stepFormat = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });

/** Axis ticks: compact steps, and time only as precise as the visible span needs. */
function xTickFormatter(mode: XMode, [lo, hi]: [number, number]): (value: number) => string {
  if (mode === "step") return formatNumber;
  if (mode === "relative") return formatDuration;
  const span = hi - lo;
  const format = span > 86_400_000 ? dateAndTime : span < 600_000 ? timeWithSeconds : timeOfDay;
  return (value) => format.format(value);
}

/** Tooltips name the exact bucket, so they never round. */
const xExactFormatter = (mode: XMode) => (value: number) =>
  mode === "step" ? stepFormat.format(value) : mode === "relative" ? formatDuration(value) : fullDateTime.format(value);

/** Beyond this many lines, the overlay plot draws them (lines only, fast); up to it, recharts with bands. */
const OVERLAY_FROM = 10;

const axisTick = { fill: "var(--muted-foreground)", fontSize: 12 };
const segment =
  "h-7 cursor-pointer px-2 text-xs font-medium transition-colors duration-150 first:rounded-l-md last:rounded-r-md " +
  "focus-visible:relative focus-visible:outline-hidden focus-visible:ring-2 focus-visible:ring-ring " +
  "aria-pressed:bg-primary aria-pressed:text-primary-foreground not-aria-pressed:hover:bg-accent";

export function MetricLineChart({
  series,
  title,
  height = 260,
  defaultX = "step",
  defaultSmoothing = 0,
  defaultLogScale = false,
  emptyDescription = "Log a metric from your training script and it will appear here.",
  className,
}: MetricLineChartProps) {
  const [x, setX] = useState<XMode>(defaultX);
  const [smoothing, setSmoothing] = useState(defaultSmoothing);
  const [logScale, setLogScale] = useState(defaultLogScale);
  const titleId = useId();
  const prepared = useMemo(() => prepareLineChart(series, { x, smoothing, logScale }), [series, x, smoothing, logScale]);
  const formatTick = xTickFormatter(x, prepared.xDomain);
  const formatExact = xExactFormatter(x);

  return (
    <figure className={cn("flex min-w-0 flex-col gap-3", className)} aria-labelledby={title ? titleId : undefined}>
      <div className="flex flex-wrap items-center justify-between gap-x-4 gap-y-2">
        {title ? (
          <div id={titleId} className="truncate text-sm font-medium">
            {title}
          </div>
        ) : null}
        <div className="flex flex-wrap items-center gap-3 text-xs text-muted-foreground">
          <label className="flex items-center gap-2">
            Smoothing
            <input
              type="range"
              min={0}
              max={MAX_SMOOTHING}
              step={0.01}
              value={smoothing}
              onChange={(e) => setSmoothing(Number(e.currentTarget.value))}
              className="h-4 w-20 cursor-pointer rounded-full focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-ring"
            />
            <output className="w-7 tabular-nums text-foreground">{smoothing.toFixed(2)}</output>
          </label>
          <label className="flex cursor-pointer items-center gap-1.5">
            <input
              type="checkbox"
              checked={logScale}
              onChange={(e) => setLogScale(e.currentTarget.checked)}
              className="size-3.5 cursor-pointer accent-primary focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-ring"
            />
            Log scale
          </label>
          <div role="group" aria-label="X axis" className="inline-flex rounded-md border border-input">
            {(["step", "relative", "time"] as const).map((mode) => (
              <button key={mode} type="button" aria-pressed={x === mode} onClick={() => setX(mode)} className={segment}>
                {mode === "step" ? "Step" : mode === "relative" ? "Relative" : "Wall"}
              </button>
            ))}
          </div>
        </div>
      </div>

      {prepared.empty ? (
        <EmptyState icon={ChartLine} title="No points logged yet" description={emptyDescription} style={{ minHeight: height }} />
      ) : !prepared.plottable ? (
        <EmptyState
          icon={ChartLine}
          title="Nothing to plot"
          description={
            logScale
              ? "No values are above zero, so none can be drawn on a log scale. Turn off Log scale to see them."
              : "Every logged value is NaN or infinite. Check the run's logs for a diverging loss."
          }
          style={{ minHeight: height }}
        />
      ) : prepared.lines.length > OVERLAY_FROM ? (
        <OverlayPlot prepared={prepared} height={height} logScale={logScale} formatTick={formatTick} formatExact={formatExact} />
      ) : (
        <ChartBody
          prepared={prepared}
          height={height}
          logScale={logScale}
          formatTick={formatTick}
          formatExact={formatExact}
        />
      )}
    </figure>
  );
}

function ChartBody({
  prepared,
  height,
  logScale,
  formatTick,
  formatExact,
}: {
  prepared: PreparedLineChart;
  height: number;
  logScale: boolean;
  formatTick: (value: number) => string;
  formatExact: (value: number) => string;
}) {
  const { lines, rows, xDomain, yDomain, yTicks, xLabel } = prepared;
  // Each series is drawn from its own rows: with merged rows, a run sampled at other steps would look gappy.
  const perLine = useMemo(() => lines.map((line) => rowsForLine(rows, line)), [lines, rows]);

  return (
    <>
      <div style={{ height }} className="w-full min-w-0">
        <ResponsiveContainer width="100%" height="100%">
          <ComposedChart margin={{ top: 4, right: 8, bottom: 0, left: 0 }}>
            <CartesianGrid stroke="var(--border)" strokeDasharray="3 3" vertical={false} />
            <XAxis
              dataKey={X_KEY}
              type="number"
              domain={xDomain}
              allowDataOverflow
              tickFormatter={formatTick}
              tick={axisTick}
              stroke="var(--border)"
              minTickGap={24}
            />
            <YAxis
              type="number"
              domain={yDomain}
              scale={logScale ? "log" : "auto"}
              ticks={yTicks ?? undefined}
              allowDataOverflow
              tickFormatter={formatNumber}
              tick={axisTick}
              stroke="var(--border)"
              width={56}
            />
            <Tooltip
              isAnimationActive={false}
              cursor={{ stroke: "var(--muted-foreground)", strokeDasharray: "3 3" }}
              content={({ active, label }) =>
                active && typeof label === "number" ? (
                  <ChartTooltip
                    prepared={prepared}
                    x={label}
                    xLabel={xLabel}
                    logScale={logScale}
                    formatX={formatExact}
                  />
                ) : null
              }
            />
            {lines.map((line, i) => (
              <Area
                key={line.bandKey}
                data={perLine[i]}
                dataKey={line.bandKey}
                name={line.name}
                stroke="none"
                fill={line.color}
                fillOpacity={0.15}
                isAnimationActive={false}
                activeDot={false}
                legendType="none"
              />
            ))}
            {lines.map((line, i) => (
              <Line
                key={line.dataKey}
                data={perLine[i]}
                dataKey={line.dataKey}
                name={line.name}
                stroke={line.color}
                strokeWidth={1.75}
                // A lone point has no segment to draw; show it as a dot so it is not invisible.
                dot={perLine[i].length === 1 ? { r: 2.5, fill: line.color } : false}
                activeDot={{ r: 3.5 }}
                isAnimationActive={false}
              />
            ))}
          </ComposedChart>
        </ResponsiveContainer>
      </div>
      {lines.length > 1 ? (
        <ul aria-label="Legend" className="flex flex-wrap gap-x-4 gap-y-1 text-xs text-muted-foreground">
          {lines.map((line) => (
            <li key={line.dataKey} className="flex min-w-0 items-center gap-1.5">
              <span aria-hidden className="h-0.5 w-3 shrink-0 rounded-full" style={{ backgroundColor: line.color }} />
              <span className="truncate">{line.name}</span>
            </li>
          ))}
        </ul>
      ) : null}
    </>
  );
}
