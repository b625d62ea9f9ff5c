import Link from "next/link";
import { notFound } from "next/navigation";
import { ArrowLeft, Square, Trophy } from "lucide-react";
import { AutoRefresh } from "@/components/shell/auto-refresh";
import { SweepParallel, SweepParetoChart, SweepProgressChart } from "@/components/sweeps/sweep-charts";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { ConfirmSubmit } from "@/components/ui/confirm-submit";
import { PageHeader } from "@/components/ui/page-header";
import { Progress } from "@/components/ui/progress";
import { StatusBadge } from "@/components/ui/status-badge";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { formatNumber } from "@/lib/utils";
import { serverApi } from "@/server/api/rsc";
import { can } from "@/server/tenancy/permissions";
import { idSchema } from "@/server/tenancy/validation";
import { stopSweepAction } from "../actions";

export const metadata = { title: "Sweep" };

const fmt = (v: string | number | boolean | null | undefined) => (typeof v === "number" ? formatNumber(v) : v === null || v === undefined ? "—" : String(v));

export default async function SweepPage({ params }: { params: Promise<{ org: string; sweepId: string }> }) {
  const { org, sweepId } = await params;
  if (!idSchema.safeParse(sweepId).success) notFound();
  const api = await serverApi();
  const [sweep, me] = await Promise.all([api.sweeps.get({ org, sweepId }).catch(() => null), api.organizations.get({ org })]);
  if (!sweep) notFound();
  const { spec, progress, best, trials } = sweep;
  const metrics = spec.objectives.map((o) => o.metric);
  const running = sweep.status === "RUNNING";
  const stop = running && sweep.desiredState !== "CANCEL" && can(me.role, "run:execute") ? (
    <ConfirmSubmit action={stopSweepAction.bind(null, org, sweep.id)} variant="outline" size="default" title={`Stop “${sweep.name}”?`} confirmLabel="Stop sweep"
      description="No new trials start, and the running ones are stopped. Finished trials and their results stay."><Square className="size-4" aria-hidden />Stop</ConfirmSubmit>
  ) : null;
  const back = <Link href={`/${org}/training/sweeps`} className="flex items-center gap-1 text-sm text-muted-foreground hover:text-foreground"><ArrowLeft className="size-4" aria-hidden />Sweeps</Link>;
  return (
    <div className="flex flex-col gap-6">
      <AutoRefresh active={running} ms={2000} />
      <PageHeader eyebrow={back} title={<span className="flex flex-wrap items-center gap-3">{sweep.name}<StatusBadge status={sweep.status} data-testid="sweep-status" /></span>}
        description={sweep.statusMessage ?? undefined} actions={stop} />
      <Card>
        <CardContent className="flex flex-col gap-3 pt-6">
          <div className="flex flex-wrap justify-between gap-2 text-sm">
            <span data-testid="sweep-progress">{progress.finished} of {progress.total} trials finished{progress.running ? `, ${progress.running} running` : ""}</span>
            <span className="text-muted-foreground">{({ tpe: "TPE", random: "Random", grid: "Grid", nsga2: "NSGA-II" } as Record<string, string>)[spec.algorithm]} · {spec.parallelism} at once{spec.earlyStopping ? (spec.earlyStopping.rule === "asha" ? " · ASHA" : " · median stopping rule") : ""} · {spec.objectives.map((o) => `${o.goal} ${o.metric}`).join(", ")}</span>
          </div>
          <Progress value={progress.finished} max={progress.total} label="Sweep progress" />
        </CardContent>
      </Card>
      <div className="grid gap-6 lg:grid-cols-3">
        <Card className="lg:col-span-1" data-testid="best-trial">
          <CardHeader><CardTitle className="flex items-center gap-2 text-base"><Trophy className="size-4" aria-hidden />Best trial</CardTitle></CardHeader>
          <CardContent className="text-sm">
            {best ? (
              <div className="flex flex-col gap-2">
                <Link className="font-medium hover:underline" href={`/${org}/training/${best.id}`}>{best.name}</Link>
                <p><span className="text-muted-foreground">{metrics[0]}</span> <span className="font-mono tabular-nums">{fmt(best.objectives[0])}</span></p>
                <dl className="grid grid-cols-[max-content_1fr] gap-x-3 gap-y-1 font-mono text-xs">
                  {Object.entries(best.params).map(([k, v]) => [<dt key={`${k}-k`} className="text-muted-foreground">{k}</dt>, <dd key={`${k}-v`}>{fmt(v)}</dd>])}
                </dl>
              </div>
            ) : <p className="text-muted-foreground">None yet: the best trial shows here once one finishes with {metrics[0]}.</p>}
          </CardContent>
        </Card>
        <Card className="lg:col-span-2">
          <CardHeader><CardTitle className="text-base">{spec.objectives.length === 2 ? "Pareto front" : `${metrics[0]} by trial`}</CardTitle></CardHeader>
          <CardContent>
            {spec.objectives.length === 2
              ? <SweepParetoChart trials={trials} metrics={[metrics[0], metrics[1]]} goals={[spec.objectives[0].goal, spec.objectives[1].goal]} />
              : <SweepProgressChart trials={trials} metric={metrics[0]} goal={spec.objectives[0].goal} />}
          </CardContent>
        </Card>
      </div>
      <Card>
        <CardHeader><CardTitle className="text-base">How the parameters relate to the results</CardTitle></CardHeader>
        <CardContent className="flex flex-col gap-6">
          {sweep.importance.length > 0 ? (
            <div data-testid="param-importance" className="flex flex-col gap-2">
              <p className="text-xs text-muted-foreground">Importance: each parameter&apos;s share of |rank correlation| with {metrics[0]} over finished trials (sign: whether {metrics[0]} rises with it).</p>
              {sweep.importance.map((i) => (
                <div key={i.name} className="grid grid-cols-[8rem_1fr_5rem] items-center gap-3 text-sm">
                  <span className="truncate font-mono text-xs">{i.name}</span>
                  <div className="h-2 rounded-full bg-primary/15"><div className="h-2 rounded-full bg-primary" style={{ width: `${Math.round(i.importance * 100)}%` }} /></div>
                  <span className="text-right font-mono text-xs tabular-nums">{Math.round(i.importance * 100)}% ({i.correlation >= 0 ? "+" : "−"}{Math.abs(i.correlation).toFixed(2)})</span>
                </div>
              ))}
            </div>
          ) : <p className="text-sm text-muted-foreground">Parameter importance appears after five finished trials.</p>}
          <SweepParallel trials={trials} metrics={metrics} />
        </CardContent>
      </Card>
      <section className="flex flex-col gap-3">
        <h2 className="text-base font-semibold">Trials</h2>
        <div className="overflow-x-auto rounded-lg border">
          <Table stackOnPhone>
            <TableHeader><TableRow><TableHead>#</TableHead><TableHead>Status</TableHead>{spec.space.map((p) => <TableHead key={p.name} className="font-mono">{p.name}</TableHead>)}{metrics.map((m) => <TableHead key={m} className="font-mono">{m}</TableHead>)}</TableRow></TableHeader>
            <TableBody>
              {trials.length === 0 ? <TableRow><TableCell colSpan={2 + spec.space.length + metrics.length} className="text-muted-foreground">The first trials are being submitted.</TableCell></TableRow> : null}
              {trials.map((t) => (
                <TableRow key={t.id} data-testid="trial-row">
                  <TableCell><Link className="hover:underline" href={`/${org}/training/${t.id}`}>{t.number}</Link>{best?.id === t.id ? <Badge variant="success" className="ml-2">best</Badge> : null}</TableCell>
                  <TableCell><StatusBadge status={t.status} />{t.stoppedEarly ? <Badge variant="neutral" className="ml-2">stopped early</Badge> : null}</TableCell>
                  {spec.space.map((p) => <TableCell key={p.name} className="font-mono text-xs tabular-nums">{fmt(t.params[p.name])}</TableCell>)}
                  {t.objectives.map((v, i) => <TableCell key={i} className="font-mono text-xs tabular-nums">{fmt(v)}</TableCell>)}
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </div>
      </section>
    </div>
  );
}
