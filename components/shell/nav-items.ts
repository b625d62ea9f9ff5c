import { Bot, Boxes, Database, FlaskConical, Gauge, Gamepad2, LayoutDashboard, Server, Settings, Workflow, Dumbbell, type LucideIcon } from "lucide-react";

export interface NavItem { segment: string; label: string; icon: LucideIcon }

/** Every area of PRODUCT.md, in the order users reach for them. */
export const NAV_ITEMS: readonly NavItem[] = [
  { segment: "dashboard", label: "Dashboard", icon: LayoutDashboard },
  { segment: "training", label: "Training", icon: Dumbbell },
  { segment: "clusters", label: "Clusters", icon: Server },
  { segment: "inference", label: "Inference", icon: Gauge },
  { segment: "simulation", label: "Simulation", icon: Gamepad2 },
  { segment: "experiments", label: "Experiments", icon: FlaskConical },
  { segment: "pipelines", label: "Pipelines", icon: Workflow },
  { segment: "datasets", label: "Datasets", icon: Database },
  { segment: "models", label: "Models", icon: Boxes },
  { segment: "agent", label: "Agent", icon: Bot },
  { segment: "settings", label: "Settings", icon: Settings },
];

