import Link from "next/link";
import { CircleDollarSign, Dumbbell, ListOrdered, Plus, Sparkles } from "lucide-react";
import { AutoRefresh } from "@/components/shell/auto-refresh";
import { RunsTable } from "@/components/training/runs-table";
import { BudgetWarning } from "@/components/scheduling/budget-bar";
import { Button } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { serverApi } from "@/server/api/rsc";
import { isTerminal } from "@/server/runner/run-lifecycle";
import { can } from "@/server/tenancy/permissions";

export const metadata = { title: "Training" };

export default async function TrainingPage({ params }: { params: Promise<{ org: string }> }) {
  const { org } = await params;
  const api = await serverApi();
  const [{ items }, me, scheduling] = await Promise.all([api.runs.list({ org, limit: 100 }), api.organizations.get({ org }), api.scheduling.overview({ org })]);
  const canCreate = can(me.role, "run:create");
  const newJob = canCreate ? <Button asChild><Link href={`/${org}/training/new`}><Plus className="size-4" aria-hidden />New training job</Link></Button> : null;
  const actions = (
    <div className="flex flex-wrap gap-2">
      <Button asChild variant="outline"><Link href={`/${org}/training/queues`}><ListOrdered className="size-4" aria-hidden />Queues</Link></Button>
      <Button asChild variant="outline"><Link href={`/${org}/training/costs`}><CircleDollarSign className="size-4" aria-hidden />Costs</Link></Button>
      <Button asChild variant="outline"><Link href={`/${org}/training/sweeps`}><Sparkles className="size-4" aria-hidden />Sweeps</Link></Button>
      {newJob}
    </div>
  );
  return (
    <div>
      <PageHeader title="Training" description="Jobs run on this machine or on a registered Ray or KubeRay cluster (Clusters)." actions={actions} />
      <AutoRefresh active={items.some((r) => !isTerminal(r.status))} />
      <BudgetWarning budget={scheduling.budget} settingsHref={`/${org}/settings/scheduling`} />
      {items.length === 0 ? (
        <EmptyState icon={Dumbbell} title="No training jobs yet"
          description={canCreate ? "Start with the Iris example template: it trains in a few seconds and logs loss and accuracy live." : "Jobs submitted by your team will appear here. Your role can view but not submit jobs."}
          action={newJob} />
      ) : (
        <RunsTable org={org} runs={items} now={new Date()} />
      )}
    </div>
  );
}
