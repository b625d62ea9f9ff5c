import Link from "next/link";
import { ArrowLeft, Database } from "lucide-react";
import { NewTaskForm } from "@/components/pipelines/new-task-form";
import { Button } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { serverApi } from "@/server/api/rsc";

export const metadata = { title: "New task" };

export default async function NewTaskPage({ params }: { params: Promise<{ org: string }> }) {
  const { org } = await params;
  const datasets = await (await serverApi()).datasets.list({ org });
  const back = <Link href={`/${org}/pipelines`} className="flex items-center gap-1 text-sm text-muted-foreground hover:text-foreground"><ArrowLeft className="size-4" aria-hidden />Pipelines</Link>;
  return (
    <div className="flex flex-col gap-6">
      <PageHeader eyebrow={back} title="New task" description="A task trains a model on a dataset it improves as it goes." />
      {datasets.length === 0 ? (
        <EmptyState icon={Database} title="Upload a dataset first" description="A task starts from a dataset: upload a CSV or JSON Lines file in Datasets (the example is examples/pipeline/data/iris-hard-train.csv)."
          action={<Button asChild><Link href={`/${org}/datasets`}>Go to Datasets</Link></Button>} />
      ) : (
        <NewTaskForm org={org} datasets={datasets.map((d) => ({ id: d.id, name: d.name, type: d.type, rows: d.latest?.rows ?? null }))} />
      )}
    </div>
  );
}
