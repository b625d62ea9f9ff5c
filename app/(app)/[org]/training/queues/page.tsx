import Link from "next/link";
import { Cpu } from "lucide-react";
import { AutoRefresh } from "@/components/shell/auto-refresh";
import { BudgetWarning } from "@/components/scheduling/budget-bar";
import { PoolUtilisationChart } from "@/components/scheduling/scheduling-charts";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { money } from "@/lib/format-money";
import { runDuration } from "@/lib/format-time";
import { serverApi } from "@/server/api/rsc";

export const metadata = { title: "Queues" };

export default async function QueuesPage({ params }: { params: Promise<{ org: string }> }) {
  const { org } = await params;
  const api = await serverApi();
  const overview = await api.scheduling.overview({ org });
  const histories = await Promise.all(overview.pools.map((p) => api.scheduling.pool({ org, poolId: p.id, hours: 24 })));
  const now = new Date();
  const to = now.getTime();
  const from = to - 24 * 3_600_000;
  const busy = overview.queues.some((q) => q.waiting.length > 0) || overview.pools.some((p) => p.holders.length > 0);
  const settings = `/${org}/settings/scheduling`;
  return (
    <div className="flex flex-col gap-6">
      <PageHeader title="Queues" description="Who holds GPUs in each pool, and who waits in each queue, in order, with why." />
      <AutoRefresh active={busy} ms={5000} />
      <BudgetWarning budget={overview.budget} settingsHref={settings} />
      {overview.pools.length === 0 ? (
        <EmptyState icon={Cpu} title="No GPU pools yet" description="GPU jobs run as soon as they are submitted until an admin sets up pools and queues." action={<Link className="underline" href={settings}>Settings → GPU pools & budget</Link>} />
      ) : null}
      {overview.pools.map((p, i) => (
        <Card key={p.id} data-testid={`pool-card-${p.name}`}>
          <CardHeader>
            <CardTitle className="text-base">Pool {p.name}: {p.inUse} of {p.gpus} GPUs in use</CardTitle>
            <CardDescription>{p.gpuType ?? "GPUs"} on {p.runsOn} · {money(p.costPerGpuHour)} per GPU-hour</CardDescription>
          </CardHeader>
          <CardContent className="flex flex-col gap-4">
            <PoolUtilisationChart name={p.name} capacity={p.gpus} held={histories[i].history} from={Math.max(from, new Date(p.createdAt).getTime())} to={to} />
            {p.holders.length === 0 ? <p className="text-sm text-muted-foreground">Nobody holds GPUs in {p.name} now.</p> : (
              <div className="overflow-x-auto rounded-lg border">
                <Table>
                  <TableHeader><TableRow><TableHead>Job</TableHead><TableHead>Queue</TableHead><TableHead className="text-right">GPUs</TableHead><TableHead className="text-right">Priority</TableHead><TableHead>Held for</TableHead><TableHead>Note</TableHead></TableRow></TableHeader>
                  <TableBody>
                    {p.holders.map((h) => (
                      <TableRow key={h.runId}>
                        <TableCell><Link className="underline" href={`/${org}/training/${h.runId}`}>{h.run}</Link> <span className="text-xs text-muted-foreground">{h.status.toLowerCase()}</span></TableCell>
                        <TableCell>{h.queue ?? "—"}</TableCell>
                        <TableCell className="text-right tabular-nums">{h.gpus}</TableCell>
                        <TableCell className="text-right tabular-nums">{h.priority}</TableCell>
                        <TableCell>{runDuration(new Date(h.since), null, now)}</TableCell>
                        <TableCell className="text-xs">{h.preempting ? "being preempted" : h.borrowing ? "borrowing from its cohort" : ""}</TableCell>
                      </TableRow>
                    ))}
                  </TableBody>
                </Table>
              </div>
            )}
          </CardContent>
        </Card>
      ))}
      {overview.queues.map((q) => (
        <Card key={q.id} data-testid={`queue-card-${q.name}`}>
          <CardHeader>
            <CardTitle className="text-base">Queue {q.name}{q.isDefault ? <span className="ml-2 text-xs font-normal text-muted-foreground">default</span> : null}</CardTitle>
            <CardDescription>
              {q.cohort ? `cohort ${q.cohort}` : "no cohort"} · {q.quotas.map((x) => `${x.pool}: ${x.inUse} of ${x.nominal} in use by ${x.jobs} job${x.jobs === 1 ? "" : "s"}`).join(" · ") || "no quota"}
            </CardDescription>
          </CardHeader>
          <CardContent>
            {q.waiting.length === 0 ? <p className="text-sm text-muted-foreground">Nobody waits in {q.name}.</p> : (
              <div className="overflow-x-auto rounded-lg border">
                <Table>
                  <TableHeader><TableRow><TableHead className="w-12">#</TableHead><TableHead>Job</TableHead><TableHead className="text-right">GPUs</TableHead><TableHead className="text-right">Priority</TableHead><TableHead>Why it waits</TableHead></TableRow></TableHeader>
                  <TableBody>
                    {q.waiting.map((w) => (
                      <TableRow key={w.runId}>
                        <TableCell className="tabular-nums">{w.position ?? "…"}</TableCell>
                        <TableCell><Link className="underline" href={`/${org}/training/${w.runId}`}>{w.name}</Link></TableCell>
                        <TableCell className="text-right tabular-nums">{w.gpus}</TableCell>
                        <TableCell className="text-right tabular-nums">{w.priority}</TableCell>
                        <TableCell className="whitespace-normal text-sm">{w.reason ?? "waiting for the scheduler's next pass"}</TableCell>
                      </TableRow>
                    ))}
                  </TableBody>
                </Table>
              </div>
            )}
          </CardContent>
        </Card>
      ))}
    </div>
  );
}
