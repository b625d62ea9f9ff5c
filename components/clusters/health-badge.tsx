import { CircleCheck, CircleDashed, CircleX } from "lucide-react";
import { Badge } from "@/components/ui/badge";

const STYLES = {
  healthy: { label: "Healthy", icon: CircleCheck, variant: "success" },
  unhealthy: { label: "Not answering", icon: CircleX, variant: "danger" },
  unknown: { label: "Not checked", icon: CircleDashed, variant: "neutral" },
} as const;

/** Icon and text, never colour alone. */
export function HealthBadge({ health }: { health: string }) {
  const s = STYLES[health as keyof typeof STYLES] ?? STYLES.unknown;
  return <Badge variant={s.variant} data-health={health}><s.icon aria-hidden />{s.label}</Badge>;
}
