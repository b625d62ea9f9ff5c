import Link from "next/link";
import { ArrowLeft, Plus, Sparkles } from "lucide-react";
import { AutoRefresh } from "@/components/shell/auto-refresh";
import { Button } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { StatusBadge } from "@/components/ui/status-badge";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { formatDateTime } from "@/lib/format-time";
import { serverApi } from "@/server/api/rsc";
import { can } from "@/server/tenancy/permissions";

export const metadata = { title: "Sweeps" };

const ALGORITHMS: Record<string, string> = { tpe: "TPE", random: "Random", grid: "Grid", nsga2: "NSGA-II" };

export default async function SweepsPage({ params }: { params: Promise<{ org: string }> }) {
  const { org } = await params;
  const api = await serverApi();
  const [sweeps, me] = await Promise.all([api.sweeps.list({ org }), api.organizations.get({ org })]);
  const canCreate = can(me.role, "run:create");
  const create = canCreate ? <Button asChild><Link href={`/${org}/training/sweeps/new`}><Plus className="size-4" aria-hidden />New sweep</Link></Button> : null;
  const back = <Link href={`/${org}/training`} className="flex items-center gap-1 text-sm text-muted-foreground hover:text-foreground"><ArrowLeft className="size-4" aria-hidden />Training</Link>;
  return (
    <div className="flex flex-col gap-6">
      <PageHeader eyebrow={back} title="Sweeps" description="Hyperparameter searches: each trial is a training job; grid, random, TPE, or NSGA-II for two objectives, with early stopping." actions={create} />
      <AutoRefresh active={sweeps.some((s) => s.status === "RUNNING")} />
      {sweeps.length === 0 ? (
        <EmptyState icon={Sparkles} title="No sweeps yet" description={canCreate ? "Start with the Iris example: a 20-trial TPE search over the learning rate and hidden units finishes in about a minute on this machine." : "Sweeps your team starts appear here."} action={create} />
      ) : (
        <div className="overflow-x-auto rounded-lg border">
          <Table stackOnPhone>
            <TableHeader><TableRow><TableHead>Sweep</TableHead><TableHead>Status</TableHead><TableHead>Algorithm</TableHead><TableHead>Objective</TableHead><TableHead className="text-right">Trials</TableHead><TableHead>Started</TableHead></TableRow></TableHeader>
            <TableBody>
              {sweeps.map((s) => (
                <TableRow key={s.id}>
                  <TableCell className="font-medium"><Link className="hover:underline" href={`/${org}/training/sweeps/${s.id}`}>{s.name}</Link></TableCell>
                  <TableCell><StatusBadge status={s.status} /></TableCell>
                  <TableCell>{ALGORITHMS[s.algorithm] ?? s.algorithm}</TableCell>
                  <TableCell className="font-mono text-xs">{s.objectives.map((o) => `${o.goal === "minimize" ? "↓" : "↑"} ${o.metric}`).join(", ")}</TableCell>
                  <TableCell className="text-right tabular-nums">{s.maxTrials}</TableCell>
                  <TableCell className="text-xs text-muted-foreground">{formatDateTime(s.createdAt)}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </div>
      )}
    </div>
  );
}
