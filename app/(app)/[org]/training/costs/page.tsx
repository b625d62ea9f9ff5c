import Link from "next/link";
import { BudgetBar, BudgetWarning } from "@/components/scheduling/budget-bar";
import { DailyCostChart } from "@/components/scheduling/scheduling-charts";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { money } from "@/lib/format-money";
import { cn } from "@/lib/utils";
import { serverApi } from "@/server/api/rsc";

export const metadata = { title: "GPU costs" };

const RANGES = [7, 30, 90];

export default async function CostsPage({ params, searchParams }: { params: Promise<{ org: string }>; searchParams: Promise<{ days?: string }> }) {
  const { org } = await params;
  const asked = (await searchParams).days;
  const days = RANGES.find((d) => String(d) === asked) ?? 30;
  const { report, budget } = await (await serverApi()).scheduling.costs({ org, days });
  const hours = (n: number) => n.toFixed(2);
  return (
    <div className="flex flex-col gap-6">
      <PageHeader title="GPU costs" description={`GPU-hours and cost over the last ${days} days: ${hours(report.total.gpuHours)} GPU-hours, ${money(report.total.cost)}.`}
        actions={<nav aria-label="Range" className="flex gap-1">{RANGES.map((d) => (
          <Link key={d} href={`/${org}/training/costs?days=${d}`} aria-current={d === days ? "page" : undefined}
            className={cn("rounded-md border px-3 py-1.5 text-sm", d === days ? "bg-primary text-primary-foreground" : "hover:bg-muted")}>{d} days</Link>
        ))}</nav>} />
      <BudgetWarning budget={budget} settingsHref={`/${org}/settings/scheduling`} />
      {budget ? <Card><CardHeader><CardTitle className="text-base">Budget</CardTitle></CardHeader><CardContent><BudgetBar budget={budget} /></CardContent></Card> : null}
      {report.runs.length === 0 ? (
        <p className="text-sm text-muted-foreground">No GPU time in the last {days} days. Costs count from when a queued GPU job is admitted to a pool (Settings → GPU pools & budget sets pools and prices).</p>
      ) : (
        <>
          <Card><CardContent className="pt-6"><DailyCostChart days={report.days} /></CardContent></Card>
          <Card>
            <CardHeader><CardTitle className="text-base">Per project</CardTitle></CardHeader>
            <CardContent>
              <Table>
                <TableHeader><TableRow><TableHead>Project</TableHead><TableHead className="text-right">GPU-hours</TableHead><TableHead className="text-right">Cost</TableHead></TableRow></TableHeader>
                <TableBody>{report.projects.map((p) => (
                  <TableRow key={p.projectId ?? "purged"}><TableCell>{p.project}</TableCell><TableCell className="text-right tabular-nums">{hours(p.gpuHours)}</TableCell><TableCell className="text-right tabular-nums">{money(p.cost)}</TableCell></TableRow>
                ))}</TableBody>
              </Table>
            </CardContent>
          </Card>
          <Card>
            <CardHeader><CardTitle className="text-base">Per job{report.runs.length === 100 ? " (the 100 costliest)" : ""}</CardTitle></CardHeader>
            <CardContent>
              <Table>
                <TableHeader><TableRow><TableHead>Job</TableHead><TableHead>Project</TableHead><TableHead>Status</TableHead><TableHead className="text-right">GPU-hours</TableHead><TableHead className="text-right">Cost</TableHead></TableRow></TableHeader>
                <TableBody>{report.runs.map((r) => (
                  <TableRow key={r.runId ?? "purged"}>
                    <TableCell>{r.runId ? <Link className="underline" href={`/${org}/training/${r.runId}`}>{r.name}</Link> : r.name}</TableCell><TableCell>{r.project}</TableCell>
                    <TableCell className="text-xs">{r.status.toLowerCase()}</TableCell>
                    <TableCell className="text-right tabular-nums">{hours(r.gpuHours)}</TableCell><TableCell className="text-right tabular-nums">{money(r.cost)}</TableCell>
                  </TableRow>
                ))}</TableBody>
              </Table>
            </CardContent>
          </Card>
        </>
      )}
    </div>
  );
}
