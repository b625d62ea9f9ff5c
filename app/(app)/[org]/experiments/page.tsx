import Link from "next/link";
import { FlaskConical, RotateCcw } from "lucide-react";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { serverApi } from "@/server/api/rsc";
import { formatRelativeTime } from "@/lib/utils";
import { formatDateTime } from "@/lib/format-time";
import { can } from "@/server/tenancy/permissions";
import { restoreExperimentAction } from "./actions";

export const metadata = { title: "Experiments" };

export default async function ExperimentsPage({ params }: { params: Promise<{ org: string }> }) {
  const { org } = await params;
  const api = await serverApi();
  const [projects, deleted, me] = await Promise.all([api.experiments.overview({ org }), api.experiments.deleted({ org }), api.organizations.get({ org })]);
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
      {deleted.length > 0 ? (
        <section className="mt-8" aria-labelledby="deleted-h" data-testid="deleted-experiments">
          <h2 id="deleted-h" className="mb-2 text-base font-semibold">Deleted experiments</h2>
          <ul className="divide-y rounded-md border text-sm">
            {deleted.map((e) => (
              <li key={e.id} className="flex flex-wrap items-center justify-between gap-2 p-2">
                <span><span className="font-medium">{e.name}</span> <span className="text-muted-foreground">in {e.projectName} · deleted {formatRelativeTime(e.deletedAt, new Date())} · purged {formatDateTime(e.purgeAt)}</span></span>
                {can(me.role, "experiment:delete", me.grants) ? (
                  <form action={restoreExperimentAction.bind(null, org, e.id)}>
                    <Button type="submit" size="sm" variant="secondary" aria-label={`Restore ${e.name}`}><RotateCcw className="size-4" aria-hidden />Restore</Button>
                  </form>
                ) : null}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </div>
  );
}
