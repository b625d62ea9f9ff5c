import Link from "next/link";
import { Suspense } from "react";
import { GitCompareArrows } from "lucide-react";
import { CompareAnalysis } from "@/components/experiments/compare-analysis";
import { CompareCharts } from "@/components/experiments/compare-charts";
import { runRows } from "@/components/experiments/prepare-compare";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { notFoundOn } from "@/server/api/not-found";
import { serverApi } from "@/server/api/rsc";
import { isTerminal, type RunStatus } from "@/server/runner/run-lifecycle";
import { cn, formatNumber } from "@/lib/utils";

export const metadata = { title: "Compare runs" };

/** Selected runs side by side: overlaid charts, and a diff of params and final metrics that marks what differs. */
export default async function ComparePage({ params, searchParams }: { params: Promise<{ org: string }>; searchParams: Promise<{ runs?: string | string[] }> }) {
  const { org } = await params;
  const raw = (await searchParams).runs;
  const runIds = [...new Set((Array.isArray(raw) ? raw : raw ? raw.split(",") : []).filter(Boolean))].slice(0, 100);
  if (runIds.length === 0) {
    return (
      <div>
        <PageHeader title="Compare runs" />
        <EmptyState icon={GitCompareArrows} title="Pick runs to compare" description={<>Tick runs in an experiment&apos;s table (<Link className="underline" href={`/${org}/experiments`}>Experiments</Link>) and press Compare selected.</>} />
      </div>
    );
  }
  const api = await serverApi();
  // Started now, awaited by the charts as it streams in: the table does not wait for the series.
  // Never rejects: a failure is shown in place of the charts, not as a broken page.
  const series = api.experiments.compareSeries({ org, runIds }).then((s) => ({ series: s }), (err: Error) => ({ error: err.message }));
  const data = await api.experiments.compare({ org, runIds }).catch((err: unknown) => notFoundOn(err));
  const active = data.runs.some((r) => !isTerminal(r.status as RunStatus));
  const value = (list: Array<{ run_id: string; key: string; value: string | number }>) => {
    const m = new Map<string, Map<string, string | number>>();
    for (const v of list) m.set(v.key, (m.get(v.key) ?? new Map()).set(v.run_id, v.value));
    return [...m.entries()].sort(([a], [b]) => a.localeCompare(b));
  };
  const rows = [...value(data.params).map(([k, v]) => ({ label: `params.${k}`, v })), ...value(data.metrics).map(([k, v]) => ({ label: `metrics.${k}`, v }))];
  return (
    <div className="grid min-w-0 gap-6 [&>*]:min-w-0">
      <PageHeader eyebrow={<Link href={`/${org}/experiments`} className="hover:underline">Experiments</Link>} title={`Compare ${data.runs.length} runs`}
        description="Charts overlay every run; the parallel-coordinates plot and the scatter show how params relate to results; rows whose values differ are marked." />
      <Suspense fallback={<p className="text-sm text-muted-foreground">Loading charts…</p>}>
        <CompareCharts org={org} runs={data.runs.map((r) => ({ id: r.id, name: r.name }))} active={active} initial={series} />
      </Suspense>
      <CompareAnalysis rows={runRows(data.runs, data.params, data.metrics)} />
      <Card className="p-4">
        <h2 className="mb-2 text-base font-semibold">Params and final metrics</h2>
        <Table data-testid="compare-diff">
          <TableHeader>
            <TableRow>
              <TableHead>Key</TableHead>
              {data.runs.map((r) => <TableHead key={r.id}><Link className="text-primary hover:underline" href={`/${org}/training/${r.id}`}>{r.name}</Link></TableHead>)}
            </TableRow>
          </TableHeader>
          <TableBody>
            {rows.map(({ label, v }) => {
              const shown = data.runs.map((r) => v.get(r.id));
              const differs = new Set(shown.map((x) => String(x ?? ""))).size > 1;
              return (
                <TableRow key={label} data-differs={differs} className={cn(differs && "bg-amber-500/10")}>
                  <TableCell className="font-mono text-xs">{label}{differs ? <span className="sr-only"> (differs)</span> : null}</TableCell>
                  {shown.map((x, i) => <TableCell key={data.runs[i].id} className="font-mono text-xs tabular-nums">{x === undefined ? "—" : typeof x === "number" ? formatNumber(x) : x}</TableCell>)}
                </TableRow>
              );
            })}
          </TableBody>
        </Table>
      </Card>
    </div>
  );
}
