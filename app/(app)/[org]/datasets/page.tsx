import { NotBuiltYet } from "@/components/shell/not-built-yet";

export const metadata = { title: "Datasets" };

export default function DatasetsPage() {
  return <NotBuiltYet title="Datasets" summary="Versioned datasets with lineage, previews and validation." planned={[
    "Streamed uploads of GB-sized files, metadata and per-organization isolation",
    "Content-hash versions with lineage from optimized datasets to their source",
    "Previews, column statistics and validation rules with a report",
  ]} />;
}
