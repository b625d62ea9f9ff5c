import { NotBuiltYet } from "@/components/shell/not-built-yet";

export const metadata = { title: "Pipelines" };

export default function PipelinesPage() {
  return <NotBuiltYet title="Pipelines" summary="Continuous learning: optimize data → train → evaluate → loop." planned={[
    "Standard and continuous tasks with the PENDING → OPTIMIZING → TRAINING → EVALUATING state machine (P1, P2)",
    "Suspend, resume, cancel and a per-phase execution history (P3)",
    "Built-in, run-based or external HTTP phase executors (P4) and a data optimizer that learns from bad cases (P5, P6)",
    "The state machine drawn with the current state lit and a score-per-iteration chart (P7)",
  ]} />;
}
