import { NotBuiltYet } from "@/components/shell/not-built-yet";

export const metadata = { title: "Models" };

export default function ModelsPage() {
  return <NotBuiltYet title="Models" summary="A registry of model versions linked to the runs and data that made them." planned={[
    "Models → versions with lineage to runs and dataset versions (M1)",
    "Aliases and stages (champion, challenger, staging, production), tags and version comparison (M2)",
    "Lifecycle history and the deployments of each version (M3)",
    "Today: trained models are kept as run artifacts on each training job's page.",
  ]} />;
}
