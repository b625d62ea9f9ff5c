import type { ComponentProps } from "react";
import { cn } from "@/lib/utils";

export type ProgressProps = Omit<ComponentProps<"div">, "children"> & {
  /** Current value; `null` renders an indeterminate bar (work started, total unknown). */
  value: number | null;
  max?: number;
  /** Accessible name, e.g. "Training progress". Required because the bar alone conveys nothing to AT. */
  label: string;
  indicatorClassName?: string;
};

export function Progress({ value, max = 100, label, className, indicatorClassName, ...props }: ProgressProps) {
  const determinate = value !== null && Number.isFinite(value) && max > 0;
  const clamped = determinate ? Math.min(Math.max(value, 0), max) : 0;
  const percent = (clamped / max) * 100;
  return (
    <div
      data-slot="progress"
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={max}
      aria-valuenow={determinate ? clamped : undefined}
      aria-valuetext={determinate ? `${Math.round(percent)}%` : undefined}
      className={cn("relative h-2 w-full overflow-hidden rounded-full bg-primary/15", className)}
      {...props}
    >
      <div
        data-slot="progress-indicator"
        className={cn(
          "h-full rounded-full bg-primary transition-[width] duration-150",
          !determinate && "w-1/3 animate-pulse",
          indicatorClassName,
        )}
        style={determinate ? { width: `${percent}%` } : undefined}
      />
    </div>
  );
}
