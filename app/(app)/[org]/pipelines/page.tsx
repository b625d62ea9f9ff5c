import Link from "next/link";
import { Plus, Workflow } from "lucide-react";
import { TaskStatusBadge } from "@/components/pipelines/task-status";
import { AutoRefresh } from "@/components/shell/auto-refresh";
import { Button } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { formatDateTime } from "@/lib/format-time";
import { formatNumber } from "@/lib/utils";
import { serverApi } from "@/server/api/rsc";
import { taskLifecycle } from "@/server/pipelines/task-lifecycle";
import { can } from "@/server/tenancy/permissions";

export const metadata = { title: "Pipelines" };

export default async function PipelinesPage({ params }: { params: Promise<{ org: string }> }) {
  const { org } = await params;
  const api = await serverApi();
  const [tasks, me] = await Promise.all([api.pipelines.list({ org }), api.organizations.get({ org })]);
  const canCreate = can(me.role, "run:create");
  const create = canCreate ? <Button asChild><Link href={`/${org}/pipelines/new`}><Plus className="size-4" aria-hidden />New task</Link></Button> : null;
  return (
    <div className="flex flex-col gap-6">
      <PageHeader title="Pipelines" description="Continuous learning: optimize the data → train → evaluate, and loop with the evaluation's bad cases until the score is good enough." actions={create} />
      <AutoRefresh active={tasks.some((t) => !taskLifecycle.isTerminal(t.status) && t.status !== "PENDING" && t.status !== "SUSPENDED")} ms={2000} />
      {tasks.length === 0 ? (
        <EmptyState icon={Workflow} title="No tasks yet" description={canCreate
          ? "Try the shipped example: upload examples/pipeline/data/iris-hard-train.csv (type training), iris-hard-validation.csv (validation) and iris-hard-test.csv (test) in Datasets, then create a continuous task. Five iterations take about a minute here."
          : "Tasks your team creates appear here."} action={create} />
      ) : (
        <div className="overflow-x-auto rounded-lg border">
          <Table stackOnPhone>
            <TableHeader><TableRow><TableHead>Task</TableHead><TableHead>Status</TableHead><TableHead>Dataset</TableHead><TableHead className="text-right">Iteration</TableHead><TableHead className="text-right">Best score</TableHead></TableRow></TableHeader>
            <TableBody>
              {tasks.map((t) => (
                <TableRow key={t.id} data-testid="task-row">
                  <TableCell className="font-medium"><Link className="hover:underline" href={`/${org}/pipelines/${t.id}`}>{t.name}</Link><div className="text-xs text-muted-foreground">{t.stopReason ?? t.statusMessage}</div>
                    <div className="text-xs text-muted-foreground">{t.mode === "CONTINUOUS" ? "Continuous" : "Standard"} · created {formatDateTime(t.createdAt)}</div></TableCell>
                  <TableCell><TaskStatusBadge status={t.status} /></TableCell>
                  <TableCell><Link className="hover:underline" href={`/${org}/datasets/${t.datasetId}`}>{t.dataset}</Link></TableCell>
                  <TableCell className="text-right tabular-nums">{t.currentIteration} of {t.maxIterations}</TableCell>
                  <TableCell className="text-right font-mono tabular-nums">{t.bestScore === null ? "—" : formatNumber(t.bestScore)}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </div>
      )}
    </div>
  );
}
