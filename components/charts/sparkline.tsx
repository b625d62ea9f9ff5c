import type { ComponentProps } from "react";
import { cn } from "@/lib/utils";
import { sparklinePath } from "./sparkline-path";

export type SparklineProps = Omit<ComponentProps<"svg">, "values" | "children"> & {
  /** Evenly spaced values, oldest first; null marks a gap. */
  values: ReadonlyArray<number | null>;
  /** Accessible description, e.g. "loss trend, latest 0.231". */
  label: string;
  width?: number;
  height?: number;
  color?: string;
};

/** Tiny trend line for table cells. Plain SVG, so it renders on the server without recharts. */
export function Sparkline({
  values,
  label,
  width = 80,
  height = 24,
  color = "var(--chart-1)",
  className,
  ...props
}: SparklineProps) {
  const d = sparklinePath(values, width, height);
  return (
    <svg
      role="img"
      aria-label={label}
      width={width}
      height={height}
      viewBox={`0 0 ${width} ${height}`}
      className={cn("shrink-0 overflow-visible", className)}
      {...props}
    >
      {d ? (
        <path
          d={d}
          fill="none"
          stroke={color}
          strokeWidth={1.5}
          strokeLinecap="round"
          strokeLinejoin="round"
          vectorEffect="non-scaling-stroke"
        />
      ) : null}
    </svg>
  );
}
