import { Ban, CircleCheck, CircleDashed, CirclePause, CircleX, Clock, LoaderCircle, Repeat, type LucideIcon } from "lucide-react";
import { Badge, type BadgeProps } from "@/components/ui/badge";
import { cn } from "@/lib/utils";
import type { TaskStatus } from "@/server/pipelines/task-lifecycle";

type Style = { label: string; icon: LucideIcon; variant: NonNullable<BadgeProps["variant"]>; spin?: boolean };

/** Keyed by the task lifecycle's status type: a status added there fails the type check here. */
export const TASK_STATUS_STYLES: Record<TaskStatus, Style> = {
  PENDING: { label: "Pending", icon: Clock, variant: "neutral" },
  OPTIMIZING: { label: "Optimizing", icon: LoaderCircle, variant: "info", spin: true },
  TRAINING: { label: "Training", icon: LoaderCircle, variant: "info", spin: true },
  EVALUATING: { label: "Evaluating", icon: LoaderCircle, variant: "info", spin: true },
  LOOPING: { label: "Looping", icon: Repeat, variant: "info" },
  SUSPENDED: { label: "Suspended", icon: CirclePause, variant: "warning" },
  COMPLETED: { label: "Completed", icon: CircleCheck, variant: "success" },
  FAILED: { label: "Failed", icon: CircleX, variant: "danger" },
  CANCELLED: { label: "Cancelled", icon: Ban, variant: "warning" },
};

export function TaskStatusBadge({ status, ...props }: { status: TaskStatus; "data-testid"?: string }) {
  const { label, icon: Icon, variant, spin } = TASK_STATUS_STYLES[status] ?? { label: status, icon: CircleDashed, variant: "neutral" };
  return (
    <Badge variant={variant} data-status={status} {...props}>
      <Icon aria-hidden className={cn(spin && "animate-spin")} />
      <span>{label}</span>
    </Badge>
  );
}
