import { NotBuiltYet } from "@/components/shell/not-built-yet";

export const metadata = { title: "Simulation" };

export default function SimulationPage() {
  return <NotBuiltYet title="Simulation" summary="Test policies and models in environments, scenarios and red-team suites." planned={[
    "Built-in and remote Gymnasium-shaped environments with versioned specs",
    "Scenario templates: parameter matrix × seeds × perturbations and simulation runs with per-episode metrics",
    "LLM evaluation and red teaming with assertions and adversarial plugins, fully self-hosted",
    "Safety reports with confidence intervals and regression gates for pipelines and canaries",
  ]} />;
}
