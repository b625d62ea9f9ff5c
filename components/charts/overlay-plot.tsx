"use client";

import { useEffect, useMemo, useRef, useState } from "react";
import { formatNumber } from "@/lib/utils";
import { ChartTooltip } from "./chart-tooltip";
import { axisTicks, linePath, scaleOf } from "./overlay-geometry";
import { rowsForLine, type PreparedLineChart } from "./prepare-line-chart";

const M = { top: 6, right: 10, bottom: 22, left: 58 };

/**
 * Many runs on one chart, lines only, drawn as one SVG path each: a hundred overlaid runs render
 * in milliseconds where a general chart library takes most of a second. Hovering shows the
 * highest values at that x and highlights nothing else; min/max bands are left out, as a hundred
 * bands read as noise.
 */
export function OverlayPlot({ prepared, height, logScale, formatTick, formatExact }: {
  prepared: PreparedLineChart; height: number; logScale: boolean;
  formatTick: (value: number) => string; formatExact: (value: number) => string;
}) {
  const box = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(0);
  const [hoverX, setHoverX] = useState<number | null>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const observer = new ResizeObserver(([entry]) => setWidth(Math.floor(entry.contentRect.width)));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  const { lines, rows, xDomain, yDomain, yTicks } = prepared;
  const sx = useMemo(() => scaleOf(xDomain, [M.left, Math.max(M.left + 1, width - M.right)]), [xDomain, width]);
  const sy = useMemo(() => scaleOf(yDomain, [height - M.bottom, M.top], logScale), [yDomain, height, logScale]);
  const paths = useMemo(() => (width > 0 ? lines.map((l) => linePath(rowsForLine(rows, l), l.dataKey, sx, sy)) : []), [lines, rows, sx, sy, width]);
  const xTicks = axisTicks(xDomain, false, Math.max(2, Math.floor(width / 110)));
  const yt = yTicks ?? axisTicks(yDomain, logScale);
  const toX = (px: number) => xDomain[0] + ((px - M.left) / Math.max(1, width - M.left - M.right)) * (xDomain[1] - xDomain[0]);

  return (
    <div ref={box} className="relative w-full min-w-0" style={{ height }}
      onMouseMove={(e) => {
        const px = e.clientX - e.currentTarget.getBoundingClientRect().left;
        setHoverX(px >= M.left && px <= width - M.right ? toX(px) : null);
      }}
      onMouseLeave={() => setHoverX(null)}>
      {width > 0 ? (
        <svg width={width} height={height} className="block" role="img" aria-label={`${lines.length} runs overlaid`}>
          {yt.map((t) => (
            <g key={`y${t}`}>
              <line x1={M.left} x2={width - M.right} y1={sy(t)} y2={sy(t)} stroke="var(--border)" strokeDasharray="3 3" />
              <text x={M.left - 6} y={sy(t)} dy="0.32em" textAnchor="end" fontSize={12} fill="var(--muted-foreground)">{formatNumber(t)}</text>
            </g>
          ))}
          {xTicks.map((t) => (
            <text key={`x${t}`} x={sx(t)} y={height - 4} textAnchor="middle" fontSize={12} fill="var(--muted-foreground)">{formatTick(t)}</text>
          ))}
          <g fill="none" strokeWidth={1.25} strokeLinejoin="round">
            {paths.map((d, i) => <path key={lines[i].dataKey} className="overlay-line" d={d} stroke={lines[i].color} strokeOpacity={0.8} />)}
          </g>
          {hoverX !== null ? <line x1={sx(hoverX)} x2={sx(hoverX)} y1={M.top} y2={height - M.bottom} stroke="var(--muted-foreground)" strokeDasharray="3 3" /> : null}
        </svg>
      ) : null}
      {hoverX !== null ? (
        <div className="pointer-events-none absolute top-2 z-10" style={sx(hoverX) > width / 2 ? { right: width - sx(hoverX) + 12 } : { left: sx(hoverX) + 12 }}>
          <ChartTooltip prepared={prepared} x={hoverX} xLabel={prepared.xLabel} logScale={logScale} formatX={formatExact} limit={10} />
        </div>
      ) : null}
    </div>
  );
}
