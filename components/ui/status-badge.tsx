import { Ban, CircleCheck, CircleDashed, CircleX, Clock, HeartCrack, LoaderCircle, type LucideIcon } from "lucide-react";
import type { ComponentProps } from "react";
import { cn } from "@/lib/utils";
import type { RunStatus } from "@/server/runner/run-lifecycle";
import { Badge, type BadgeProps } from "./badge";

type StatusStyle = { label: string; icon: LucideIcon; variant: NonNullable<BadgeProps["variant"]>; spin?: boolean };

/**
 * Colour is never the only signal: each status also has its own icon and text. Keyed by the run
 * lifecycle's own status type, so a status added there fails the type check until it has a style.
 */
export const RUN_STATUS_STYLES: Record<RunStatus, StatusStyle> = {
  QUEUED: { label: "Queued", icon: Clock, variant: "neutral" },
  STARTING: { label: "Starting", icon: CircleDashed, variant: "info" },
  RUNNING: { label: "Running", icon: LoaderCircle, variant: "info", spin: true },
  CRASHED: { label: "Crashed", icon: HeartCrack, variant: "danger" },
  SUCCEEDED: { label: "Succeeded", icon: CircleCheck, variant: "success" },
  FAILED: { label: "Failed", icon: CircleX, variant: "danger" },
  CANCELLED: { label: "Cancelled", icon: Ban, variant: "warning" },
};

export type StatusBadgeProps = Omit<ComponentProps<"span">, "children"> & {
  status: RunStatus;
  /** Icon only (e.g. dense tables). The label is still exposed to assistive tech and as a tooltip. */
  iconOnly?: boolean;
};

export function StatusBadge({ status, iconOnly = false, className, ...props }: StatusBadgeProps) {
  const { label, icon: Icon, variant, spin } = RUN_STATUS_STYLES[status];
  return (
    <Badge
      variant={variant}
      data-status={status}
      title={iconOnly ? label : undefined}
      className={cn(iconOnly && "px-1", className)}
      {...props}
    >
      <Icon aria-hidden className={cn(spin && "animate-spin")} />
      {/* Real text (visually hidden when icon-only) rather than aria-label, which is ignored on a plain span. */}
      <span className={iconOnly ? "sr-only" : undefined}>{label}</span>
    </Badge>
  );
}
