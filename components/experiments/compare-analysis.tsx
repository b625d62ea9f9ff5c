"use client";

import { useMemo, useState } from "react";
import { CartesianGrid, ResponsiveContainer, Scatter, ScatterChart, Tooltip, XAxis, YAxis } from "recharts";
import { formatNumber } from "@/lib/utils";
import { defaultAxisKeys, prepareParallel, prepareScatter, type RunRow } from "./prepare-compare";

/** Low → high along the colour axis: indigo to orange (the chart palette's first two hues). */
const colourAt = (t: number | null) => (t === null ? "var(--muted-foreground)" : `color-mix(in oklch, var(--chart-2) ${Math.round(t * 100)}%, var(--chart-1))`);
const short = (key: string) => key.replace(/^(params|metrics)\./, "");

/** Parallel coordinates over the runs' differing params and metrics, and one param against one metric. */
export function CompareAnalysis({ rows }: { rows: RunRow[] }) {
  const allKeys = useMemo(() => [...new Set(rows.flatMap((r) => Object.keys(r.values)))].sort(), [rows]);
  const [axes, setAxes] = useState(() => defaultAxisKeys(rows));
  const paramKeys = allKeys.filter((k) => k.startsWith("params."));
  const metricKeys = allKeys.filter((k) => k.startsWith("metrics."));
  const [xKey, setXKey] = useState(() => axes.find((k) => k.startsWith("params.")) ?? paramKeys[0] ?? "");
  const [yKey, setYKey] = useState(() => metricKeys.find((k) => !k.startsWith("metrics.system/")) ?? metricKeys[0] ?? "");
  if (rows.length < 2 || allKeys.length === 0) return null;
  return (
    <div className="grid gap-4 lg:grid-cols-2">
      <figure className="rounded-md border p-3" aria-labelledby="parallel-h" data-testid="parallel-coordinates">
        <figcaption id="parallel-h" className="mb-2 flex flex-wrap items-center justify-between gap-2 text-sm font-medium">
          Parallel coordinates
          <details className="relative text-xs font-normal">
            <summary className="cursor-pointer text-muted-foreground">Axes ({axes.length})</summary>
            <div className="absolute right-0 z-10 mt-1 max-h-64 w-64 overflow-auto rounded-md border bg-popover p-2 shadow">
              {allKeys.map((k) => (
                <label key={k} className="flex items-center gap-1 truncate font-mono">
                  <input type="checkbox" checked={axes.includes(k)} onChange={(e) => setAxes(e.target.checked ? allKeys.filter((x) => x === k || axes.includes(x)) : axes.filter((x) => x !== k))} />{k}
                </label>
              ))}
            </div>
          </details>
        </figcaption>
        {axes.length < 2 ? (
          <p className="text-sm text-muted-foreground">{allKeys.length < 2 ? "These runs have fewer than two params and metrics to relate: log params (or pick runs that differ) to see how they shape the results." : "Pick at least two axes."}</p>
        ) : <ParallelPlot rows={rows} keys={axes} />}
      </figure>
      <figure className="rounded-md border p-3" aria-labelledby="scatter-h" data-testid="param-scatter">
        <figcaption id="scatter-h" className="mb-2 flex flex-wrap items-center gap-2 text-sm font-medium">
          {paramKeys.length === 0 || metricKeys.length === 0 ? "Param against metric" : null}
          {paramKeys.length > 0 && metricKeys.length > 0 ? <>
          <select aria-label="Scatter x axis" className="rounded border bg-background px-1 font-mono text-xs" value={xKey} onChange={(e) => setXKey(e.target.value)}>
            {paramKeys.map((k) => <option key={k} value={k}>{k}</option>)}
          </select>
          <span className="text-muted-foreground">against</span>
          <select aria-label="Scatter y axis" className="rounded border bg-background px-1 font-mono text-xs" value={yKey} onChange={(e) => setYKey(e.target.value)}>
            {metricKeys.map((k) => <option key={k} value={k}>{k}</option>)}
          </select>
          </> : null}
        </figcaption>
        {xKey && yKey ? <ScatterPlot rows={rows} xKey={xKey} yKey={yKey} /> : <p className="text-sm text-muted-foreground">These runs have no params or no metrics to plot.</p>}
      </figure>
    </div>
  );
}

const W = 600;
const H = 260;
const PAD = { top: 28, bottom: 24, left: 24, right: 24 };

function ParallelPlot({ rows, keys }: { rows: RunRow[]; keys: string[] }) {
  const { axes, lines } = useMemo(() => prepareParallel(rows, keys), [rows, keys]);
  const [hover, setHover] = useState<string | null>(null);
  const x = (i: number) => PAD.left + (i * (W - PAD.left - PAD.right)) / (axes.length - 1);
  const y = (t: number) => PAD.top + (1 - t) * (H - PAD.top - PAD.bottom);
  const label = (a: (typeof axes)[number], t: "min" | "max") => (a.kind === "number" ? formatNumber(a[t]) : a.categories[t === "min" ? 0 : a.categories.length - 1] ?? "");
  return (
    <svg viewBox={`0 0 ${W} ${H}`} className="h-auto w-full text-[10px]" role="img" aria-label={`${lines.length} runs across ${axes.map((a) => short(a.key)).join(", ")}`}>
      {lines.map((l) => {
        // A missing value breaks the line there rather than inventing one.
        const segments: string[] = [];
        let current = "";
        l.ys.forEach((t, i) => {
          if (t === null) { if (current) segments.push(current); current = ""; return; }
          current += `${current ? " L" : "M"}${x(i).toFixed(1)},${y(t).toFixed(1)}`;
        });
        if (current) segments.push(current);
        return (
          <path key={l.runId} d={segments.join(" ")} fill="none" stroke={colourAt(l.colour)} strokeWidth={hover === l.runId ? 3 : 1.5}
            strokeOpacity={hover && hover !== l.runId ? 0.15 : 0.8} onMouseEnter={() => setHover(l.runId)} onMouseLeave={() => setHover(null)} data-run={l.runId}>
            <title>{l.name}</title>
          </path>
        );
      })}
      {axes.map((a, i) => (
        <g key={a.key}>
          <line x1={x(i)} x2={x(i)} y1={PAD.top} y2={H - PAD.bottom} stroke="currentColor" strokeOpacity={0.35} />
          <text x={x(i)} y={12} textAnchor={i === 0 ? "start" : i === axes.length - 1 ? "end" : "middle"} className="fill-foreground font-mono">{short(a.key)}</text>
          {/* The last axis labels to its left, so nothing runs off the plot. */}
          <text x={i === axes.length - 1 ? x(i) - 3 : x(i) + 3} y={PAD.top + 8} textAnchor={i === axes.length - 1 ? "end" : "start"} className="fill-muted-foreground">{label(a, "max")}</text>
          <text x={i === axes.length - 1 ? x(i) - 3 : x(i) + 3} y={H - PAD.bottom + 12} textAnchor={i === axes.length - 1 ? "end" : "start"} className="fill-muted-foreground">{label(a, "min")}</text>
        </g>
      ))}
    </svg>
  );
}

function ScatterPlot({ rows, xKey, yKey }: { rows: RunRow[]; xKey: string; yKey: string }) {
  const { points, xCategories, skipped } = useMemo(() => prepareScatter(rows, xKey, yKey), [rows, xKey, yKey]);
  return (
    <>
      <ResponsiveContainer width="100%" height={240}>
        <ScatterChart margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" />
          <XAxis type="number" dataKey="x" name={short(xKey)} domain={xCategories ? [-0.5, xCategories.length - 0.5] : ["auto", "auto"]}
            ticks={xCategories ? xCategories.map((_, i) => i) : undefined} tickFormatter={(v: number) => (xCategories ? xCategories[v] ?? "" : formatNumber(v))} fontSize={11} />
          <YAxis type="number" dataKey="y" name={short(yKey)} domain={["auto", "auto"]} tickFormatter={(v: number) => formatNumber(v)} fontSize={11} width={56} />
          <Tooltip content={({ payload }) => {
            const p = payload?.[0]?.payload as (typeof points)[number] | undefined;
            return p ? <div className="rounded border bg-popover p-2 text-xs shadow"><p className="font-medium">{p.name}</p><p>{short(xKey)} = {xCategories ? xCategories[p.x] : formatNumber(p.x)}</p><p>{short(yKey)} = {formatNumber(p.y)}</p></div> : null;
          }} />
          <Scatter data={points} fill="var(--chart-1)" isAnimationActive={false} />
        </ScatterChart>
      </ResponsiveContainer>
      {skipped > 0 ? <p className="text-xs text-muted-foreground">{skipped} run{skipped === 1 ? "" : "s"} without both values not shown.</p> : null}
    </>
  );
}
