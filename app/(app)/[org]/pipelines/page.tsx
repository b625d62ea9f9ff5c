import { NotBuiltYet } from "@/components/shell/not-built-yet";

export const metadata = { title: "Pipelines" };

export default function PipelinesPage() {
  return <NotBuiltYet title="Pipelines" summary="Continuous learning: optimize data → train → evaluate → loop." planned={[
    "Standard and continuous tasks with the PENDING → OPTIMIZING → TRAINING → EVALUATING state machine",
    "Suspend, resume, cancel and a per-phase execution history",
    "Built-in, run-based or external HTTP phase executors and a data optimizer that learns from bad cases",
    "The state machine drawn with the current state lit and a score-per-iteration chart",
  ]} />;
}
