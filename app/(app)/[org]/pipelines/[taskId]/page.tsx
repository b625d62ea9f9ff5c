import Link from "next/link";
import { notFound } from "next/navigation";
import { ArrowLeft, Pause, Play, Square } from "lucide-react";
import { Iterations } from "@/components/pipelines/iterations";
import { ScoreChart } from "@/components/pipelines/score-chart";
import { StateDiagram } from "@/components/pipelines/state-diagram";
import { TaskStatusBadge } from "@/components/pipelines/task-status";
import { AutoRefresh } from "@/components/shell/auto-refresh";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { ConfirmSubmit } from "@/components/ui/confirm-submit";
import { PageHeader } from "@/components/ui/page-header";
import { Progress } from "@/components/ui/progress";
import { formatDateTime } from "@/lib/format-time";
import { formatNumber } from "@/lib/utils";
import { serverApi } from "@/server/api/rsc";
import { isPhase, taskLifecycle } from "@/server/pipelines/task-lifecycle";
import { can } from "@/server/tenancy/permissions";
import { idSchema } from "@/server/tenancy/validation";
import { taskAction } from "../actions";

export const metadata = { title: "Task" };

export default async function TaskPage({ params }: { params: Promise<{ org: string; taskId: string }> }) {
  const { org, taskId } = await params;
  if (!idSchema.safeParse(taskId).success) notFound();
  const api = await serverApi();
  const [task, me] = await Promise.all([api.pipelines.get({ org, taskId }).catch(() => null), api.organizations.get({ org })]);
  if (!task) notFound();
  const ended = taskLifecycle.isTerminal(task.status);
  const mayAct = can(me.role, "run:execute") && !ended;
  const act = (a: "start" | "suspend" | "resume" | "cancel") => taskAction.bind(null, org, task.id, a);
  const cancelling = task.desiredState === "CANCEL";
  const actions = mayAct ? (
    <div className="flex flex-wrap gap-2">
      {task.status === "PENDING" ? <form action={act("start")}><Button type="submit"><Play className="size-4" aria-hidden />Start</Button></form> : null}
      {isPhase(task.status) && !cancelling ? <form action={act("suspend")}><Button type="submit" variant="outline"><Pause className="size-4" aria-hidden />Suspend</Button></form> : null}
      {task.status === "SUSPENDED" ? <form action={act("resume")}><Button type="submit"><Play className="size-4" aria-hidden />Resume</Button></form> : null}
      {!cancelling ? (
        <ConfirmSubmit action={act("cancel")} variant="outline" size="default" title={`Cancel “${task.name}”?`} confirmLabel="Cancel task"
          description="The running phase's run is stopped and the task ends as Cancelled. Finished iterations, their dataset versions, models and reports stay."><Square className="size-4" aria-hidden />Cancel</ConfirmSubmit>
      ) : null}
    </div>
  ) : null;
  const back = <Link href={`/${org}/pipelines`} className="flex items-center gap-1 text-sm text-muted-foreground hover:text-foreground"><ArrowLeft className="size-4" aria-hidden />Pipelines</Link>;
  const finishedIterations = task.scores.length;
  const dataset = (v: typeof task.source, label: string) => v ? <p><span className="text-muted-foreground">{label}</span> <Link className="hover:underline" href={`/${org}/datasets/${v.datasetId}?v=${v.version}`}>{v.dataset} v{v.version}</Link>{v.rows !== null ? <span className="text-muted-foreground"> · {v.rows} rows</span> : null}</p> : null;
  return (
    <div className="flex flex-col gap-6">
      <AutoRefresh active={!ended && task.status !== "PENDING" && task.status !== "SUSPENDED"} ms={1500} />
      <PageHeader eyebrow={back} title={<span className="flex flex-wrap items-center gap-3">{task.name}<TaskStatusBadge status={task.status} data-testid="task-status" /></span>}
        description={<span data-testid="task-message">{task.statusMessage}</span>} actions={actions} />
      {task.stopReason ? (
        <p className="rounded-md border bg-muted/40 px-3 py-2 text-sm" data-testid="stop-reason"><span className="font-medium">Stopped: </span>{task.stopReason}</p>
      ) : null}
      <Card>
        <CardContent className="flex flex-col gap-3 pt-6">
          <div className="flex flex-wrap justify-between gap-2 text-sm">
            <span data-testid="task-progress">{task.mode === "CONTINUOUS" ? `Iteration ${task.currentIteration} of at most ${task.maxIterations}` : "Standard task: one iteration"}{task.performanceThreshold !== null ? ` · stops at score ${formatNumber(task.performanceThreshold)}` : ""}</span>
            <span className="text-muted-foreground">best score <span className="font-mono tabular-nums" data-testid="best-score">{task.bestScore === null ? "—" : formatNumber(task.bestScore)}</span></span>
          </div>
          <Progress value={finishedIterations} max={task.maxIterations} label="Iterations finished" />
        </CardContent>
      </Card>
      <Card>
        <CardHeader><CardTitle className="text-base">State</CardTitle></CardHeader>
        <CardContent><StateDiagram status={task.status} history={task.history} /></CardContent>
      </Card>
      <div className="grid gap-6 lg:grid-cols-3">
        <Card className="lg:col-span-2">
          <CardHeader><CardTitle className="text-base">Score per iteration</CardTitle></CardHeader>
          <CardContent><ScoreChart scores={task.scores} threshold={task.performanceThreshold} maxIterations={task.maxIterations} /></CardContent>
        </Card>
        <Card>
          <CardHeader><CardTitle className="text-base">Setup</CardTitle></CardHeader>
          <CardContent className="flex flex-col gap-1 text-sm">
            <p><span className="text-muted-foreground">Model</span> {task.modelName}</p>
            {dataset(task.source, "Started from")}
            {task.current && task.current.id !== task.source?.id ? dataset(task.current, "Now on") : null}
            {dataset(task.validation, "Validation")}
            {dataset(task.test, "Test")}
            {!task.validation && !task.test ? <p className="text-muted-foreground">No held-out dataset: each training keeps a fifth of its rows out for the evaluation.</p> : null}
            <dl className="mt-2 grid grid-cols-[max-content_1fr] gap-x-3 gap-y-1 font-mono text-xs">
              {Object.entries(task.hyperparameters).map(([k, v]) => [<dt key={`${k}-k`} className="text-muted-foreground">{k}</dt>, <dd key={`${k}-v`}>{String(v)}</dd>])}
            </dl>
            <p className="mt-2 text-xs text-muted-foreground">Created {formatDateTime(task.createdAt)}{task.finishedAt ? ` · ended ${formatDateTime(task.finishedAt)}` : ""}</p>
          </CardContent>
        </Card>
      </div>
      <section className="flex flex-col gap-3">
        <h2 className="text-base font-semibold">Iterations</h2>
        <Iterations org={org} executions={task.executions} />
      </section>
      <section className="flex flex-col gap-3">
        <h2 className="text-base font-semibold">History</h2>
        <ol className="flex flex-col gap-1 text-xs" data-testid="task-history">
          {task.history.map((h, i) => (
            <li key={i} className="flex flex-wrap gap-x-2"><span className="text-muted-foreground tabular-nums">{formatDateTime(h.at)}</span><span className="font-mono">{h.from ? `${h.from} → ` : ""}{h.to}</span><span className="text-muted-foreground">{h.reason}{h.actor ? ` · ${h.actor}` : ""}</span></li>
          ))}
        </ol>
      </section>
    </div>
  );
}
