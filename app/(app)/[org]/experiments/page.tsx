import Link from "next/link";
import { FlaskConical } from "lucide-react";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { serverApi } from "@/server/api/rsc";
import { formatRelativeTime } from "@/lib/utils";

export const metadata = { title: "Experiments" };

export default async function ExperimentsPage({ params }: { params: Promise<{ org: string }> }) {
  const { org } = await params;
  const projects = await (await serverApi()).experiments.overview({ org });
  return (
    <div>
      <PageHeader title="Experiments" description="Every run of every project, logged by jobs, the Python SDK or any MLflow client." />
      {projects.length === 0 ? (
        <EmptyState icon={FlaskConical} title="No experiments yet" description={<>
          Run a training job, log from your own code with the Python SDK (<code>sdk/python</code>: <code>anvil.init(project=…)</code>), or point an
          unmodified MLflow client here: <code>MLFLOW_TRACKING_URI=&lt;this server&gt; MLFLOW_TRACKING_TOKEN=&lt;API key&gt;</code>.
        </>} />
      ) : (
        <div className="grid gap-6">
          {projects.map((p) => (
            <Card key={p.id} className="p-4" data-testid="project">
              <h2 className="mb-3 text-base font-semibold">{p.name}</h2>
              <ul className="divide-y">
                {p.experiments.map((e) => (
                  <li key={e.id} className="flex flex-wrap items-center justify-between gap-2 py-2">
                    <Link className="font-medium text-primary hover:underline" href={`/${org}/experiments/${e.id}`}>{e.name}</Link>
                    <span className="text-sm text-muted-foreground">
                      {e.runs} run{e.runs === 1 ? "" : "s"}{e.active > 0 ? ` · ${e.active} active` : ""}{e.lastActivity ? ` · last ${formatRelativeTime(e.lastActivity, new Date())}` : ""}
                    </span>
                  </li>
                ))}
              </ul>
            </Card>
          ))}
        </div>
      )}
    </div>
  );
}
