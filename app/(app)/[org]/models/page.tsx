import { NotBuiltYet } from "@/components/shell/not-built-yet";

export const metadata = { title: "Models" };

export default function ModelsPage() {
  return <NotBuiltYet title="Models" summary="A registry of model versions linked to the runs and data that made them." planned={[
    "Models → versions with lineage to runs and dataset versions",
    "Aliases and stages (champion, challenger, staging, production), tags and version comparison",
    "Lifecycle history and the deployments of each version",
    "Today: trained models are kept as run artifacts on each training job's page.",
  ]} />;
}
