import { formatNumber } from "@/lib/utils";
import { pointsAt, type PreparedLineChart } from "./prepare-line-chart";

function formatBand([lo, hi]: [number, number], [floor]: [number, number], logScale: boolean): string {
  // On a log axis, prepareLineChart stretches a band whose min was ≤ 0 down to the domain floor.
  const low = logScale && lo <= floor ? "≤0" : formatNumber(lo);
  return `[${low}, ${formatNumber(hi)}]`;
}

/** Each line's value at the hovered x (its bucket at or just before it), at most `limit` of them, highest first when cut. */
export function ChartTooltip({
  prepared,
  x,
  xLabel,
  logScale,
  formatX,
  limit,
}: {
  prepared: PreparedLineChart;
  x: number;
  xLabel: string;
  logScale: boolean;
  formatX: (value: number) => string;
  limit?: number;
}) {
  const all = pointsAt(prepared, x);
  if (all.length === 0) return null;
  const points = limit !== undefined && all.length > limit ? [...all].sort((a, b) => (b.value ?? -Infinity) - (a.value ?? -Infinity)).slice(0, limit) : all;
  return (
    <div className="min-w-40 rounded-md border bg-popover px-3 py-2 text-xs text-popover-foreground shadow-md">
      <div className="mb-1 font-medium">
        {xLabel} {formatX(x)}
      </div>
      <ul className="flex flex-col gap-0.5">
        {points.map((p) => (
          <li key={p.line.dataKey} className="flex items-center gap-2">
            <span aria-hidden className="size-2 shrink-0 rounded-full" style={{ backgroundColor: p.line.color }} />
            <span className="max-w-48 truncate text-muted-foreground">{p.line.name}</span>
            <span className="ml-auto pl-2 font-medium tabular-nums">{p.value === null ? "—" : formatNumber(p.value)}</span>
            {p.band && p.band[0] !== p.band[1] ? (
              <span className="text-muted-foreground tabular-nums">{formatBand(p.band, prepared.yDomain, logScale)}</span>
            ) : null}
            {p.x !== x ? <span className="text-muted-foreground">@{formatX(p.x)}</span> : null}
          </li>
        ))}
      </ul>
      {points.length < all.length ? <div className="mt-1 text-muted-foreground">and {all.length - points.length} more</div> : null}
    </div>
  );
}
