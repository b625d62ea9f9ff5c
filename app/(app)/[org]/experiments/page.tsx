import { NotBuiltYet } from "@/components/shell/not-built-yet";

export const metadata = { title: "Experiments" };

export default function ExperimentsPage() {
  return <NotBuiltYet title="Experiments" summary="Browse, search and compare every run's params, metrics and artifacts." planned={[
    "Projects → experiments → runs, with search like metrics.loss < 0.1 and params.lr = '0.01'",
    "Overlay charts, parameter/metric diff, parallel coordinates and scatter plots across runs",
    "MLflow REST 2.0 compatibility so existing MLflow clients log here unchanged",
    "Today: each training job's page already shows its live metrics, logs, params and artifacts (Training).",
  ]} />;
}
