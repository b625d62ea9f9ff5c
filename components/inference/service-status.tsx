import { Ban, CircleAlert, CircleCheck, CircleDashed, CircleX, type LucideIcon } from "lucide-react";
import { Badge, type BadgeProps } from "@/components/ui/badge";
import type { ServiceStatus } from "@/server/inference/service-lifecycle";

const STYLES: Record<ServiceStatus, { label: string; icon: LucideIcon; variant: NonNullable<BadgeProps["variant"]> }> = {
  DEPLOYING: { label: "Deploying", icon: CircleDashed, variant: "info" },
  READY: { label: "Ready", icon: CircleCheck, variant: "success" },
  DEGRADED: { label: "Degraded", icon: CircleAlert, variant: "warning" },
  UNAVAILABLE: { label: "Unavailable", icon: CircleX, variant: "danger" },
  STOPPED: { label: "Deleted", icon: Ban, variant: "neutral" },
};

export function ServiceStatusBadge({ status, ...props }: { status: ServiceStatus; "data-testid"?: string }) {
  const { label, icon: Icon, variant } = STYLES[status];
  return <Badge variant={variant} data-status={status} {...props}><Icon aria-hidden /><span>{label}</span></Badge>;
}
