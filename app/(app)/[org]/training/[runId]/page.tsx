import Link from "next/link";
import { ArrowLeft, Copy, FileBox, History, Play, RotateCcw, Square, Trash2 } from "lucide-react";
import { AutoRefresh } from "@/components/shell/auto-refresh";
import { LogStream } from "@/components/training/log-stream";
import { RunMetrics } from "@/components/training/run-metrics";
import { ArtifactTree } from "@/components/training/artifact-tree";
import { RegisterArtifactForm } from "@/components/models/register-form";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { ConfirmSubmit } from "@/components/ui/confirm-submit";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { StatusBadge } from "@/components/ui/status-badge";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { formatDateTime, formatPurgeDelay, purgeDueAt, runDuration } from "@/lib/format-time";
import { serverApi } from "@/server/api/rsc";
import { isTerminal } from "@/server/runner/run-lifecycle";
import { can } from "@/server/tenancy/permissions";
import { env } from "@/server/env";
import { cancelJobAction, deleteRunAction, rerunJobAction, restoreRunAction } from "../actions";
import { notFoundOn } from "@/server/api/not-found";
import { rayJobName } from "@/server/executors/kuberay/kuberay-executor";
import { JobScheduling } from "@/components/scheduling/job-scheduling";

export const metadata = { title: "Training job" };

export default async function JobPage({ params }: { params: Promise<{ org: string; runId: string }> }) {
  const { org, runId } = await params;
  const api = await serverApi();
  const [run, me, scheduling, registered] = await Promise.all([
    api.runs.get({ org, runId }).catch((err: unknown) => notFoundOn(err)),
    api.organizations.get({ org }),
    api.training.scheduling({ org, runId }).catch(() => null),
    api.registry.ofRun({ org, runId }).catch(() => []),
  ]);
  // What can be registered: each top-level folder (MLflow models are folders) and each file.
  const registrable = [...new Set(run.artifacts.flatMap((a) => (a.path.includes("/") ? [a.path.split("/")[0], a.path] : [a.path])))].slice(0, 50);
  const active = !isTerminal(run.status);
  const stopping = active && run.desiredState === "CANCEL";
  const stop = active && can(me.role, "run:execute", me.grants) ? (
    <ConfirmSubmit action={cancelJobAction.bind(null, org, run.id)} disabled={stopping} variant="outline" size="default"
      title={`Stop “${run.name}”?`} confirmLabel="Stop job"
      description={run.executor === "external"
        ? "The run ends as Cancelled now; its client learns it at its next heartbeat. Its metrics and artifacts so far are kept."
        : run.cluster ? `Anvil asks ${run.cluster.name} to stop the job (Ray sends SIGTERM, then SIGKILL after 3 seconds). If the cluster does not stop it within 15 seconds, the run ends as Cancelled and Anvil keeps asking. Its logs, metrics and artifacts so far are kept.`
        : "The job gets SIGTERM, then SIGKILL after 10 seconds if it is still running. Its logs, metrics and artifacts so far are kept."}>
      <Square className="size-4" aria-hidden />{stopping ? "Stopping…" : "Stop"}
    </ConfirmSubmit>
  ) : null;
  const mayDelete = can(me.role, "run:delete", me.grants);
  const remove = !active && !run.deletedAt && mayDelete ? (
    <ConfirmSubmit action={deleteRunAction.bind(null, org, run.id)} variant="outline" size="default" title={`Delete “${run.name}”?`} confirmLabel="Delete run"
      description={`The run leaves every list. It can be restored for ${formatPurgeDelay(env.ANVIL_PURGE_AFTER_HOURS)}; then its metrics, logs and artifacts are removed for good.`}>
      <Trash2 className="size-4" aria-hidden />Delete
    </ConfirmSubmit>
  ) : null;
  // A run logged from the user's own code (SDK, MLflow client) has no command, attempts or exit code here.
  const external = run.executor === "external";
  const mayRun = !external && can(me.role, "run:create");
  const again = mayRun ? (
    <>
      {!active ? <form action={rerunJobAction.bind(null, org, run.id)}><Button type="submit" variant="outline"><Play className="size-4" aria-hidden />Re-run</Button></form> : null}
      <Button asChild variant="outline"><Link href={`/${org}/training/new?from=${run.id}`}><Copy className="size-4" aria-hidden />Clone</Link></Button>
    </>
  ) : null;
  const checkpoints = run.artifacts.filter((a) => a.path.startsWith("checkpoints/"));
  const dist = run.distributed as { workers: number; gpusPerWorker: number; cpusPerWorker: number; memoryGbPerWorker: number } | null;
  const facts: Array<[string, string]> = external ? [
    ["Source", "logged from a client (SDK or MLflow)"], ["Last heartbeat", formatDateTime(run.heartbeatAt)],
    ["Started", formatDateTime(run.startedAt)], ["Duration", runDuration(run.startedAt, run.finishedAt, new Date())],
    ["Project", run.project?.name ?? "—"],
  ] : [
    ["Template", run.template ?? "custom command"],
    ["Runs on", run.cluster ? `${run.cluster.name} (${run.cluster.kind === "ray" ? "Ray" : "KubeRay"})` : run.executor === "local" ? "this machine" : run.executor],
    ["Attempt", `${run.attempt} of up to ${run.maxRetries + 1 + (scheduling?.preemptions ?? 0)}${run.retryOnFailure ? " (retried on failure)" : ""}${scheduling?.preemptions ? ` (${scheduling.preemptions} preempted)` : ""}`],
    ["Submitted", formatDateTime(run.createdAt)], ["Started", formatDateTime(run.startedAt)],
    ["Duration", runDuration(run.startedAt, run.finishedAt, new Date())],
    ["Exit", run.exitCode !== null ? `code ${run.exitCode}` : run.exitSignal ? `signal ${run.exitSignal}` : "—"],
    ["Project", run.project?.name ?? "—"],
  ];
  if (!external && run.remoteId) facts.push([run.cluster ? "Ray submission id" : "Remote id", run.remoteId]);
  if (run.remoteId && run.cluster?.kind === "kuberay") facts.push(["RayJob", rayJobName(run.remoteId)]);
  if (dist) facts.push(["Distributed", `${dist.workers} worker${dist.workers === 1 ? "" : "s"} × ${dist.gpusPerWorker} GPU, ${dist.cpusPerWorker} CPU, ${dist.memoryGbPerWorker} GiB`]);
  if (run.pip.length > 0) facts.push(["pip", run.pip.join(" ")]);
  if (run.remoteState === "ORPHANED") facts.push(["Remote job", "still stopping: Anvil keeps asking the cluster"]);
  if (run.resumeFrom) facts.push(["Resumed from", run.resumeFrom.path]);
  if (run.cancelledBy) facts.push(["Stopped by", `${run.cancelledBy}${run.exitSignal ? ` (${run.exitSignal})` : ""}`]);
  if (run.status === "QUEUED" && run.attempt > 1 && run.nextCheckAt) facts.push(["Next attempt", formatDateTime(run.nextCheckAt)]);
  return (
    <div className="flex flex-col gap-6">
      <AutoRefresh active={active} ms={2000} />
      <PageHeader
        eyebrow={<Link href={`/${org}/training`} className="flex items-center gap-1 text-sm text-muted-foreground hover:text-foreground"><ArrowLeft className="size-4" aria-hidden />Training</Link>}
        title={<span className="flex flex-wrap items-center gap-3">{run.name}<StatusBadge status={run.status} data-testid="run-status" /></span>}
        description={run.statusMessage ?? undefined}
        actions={<div className="flex flex-wrap gap-2">{again}{stop ?? remove}</div>}
      />
      {run.deletedAt ? (
        <Alert variant="warning" className="flex flex-wrap items-center justify-between gap-3" data-testid="run-deleted">
          <span>Deleted {formatDateTime(run.deletedAt)}. {active ? "Its data is purged once it has stopped" : `Its metrics, logs and artifacts are purged ${formatDateTime(purgeDueAt(run.deletedAt, env.ANVIL_PURGE_AFTER_HOURS))}`} unless it is restored.</span>
          {mayDelete ? <form action={restoreRunAction.bind(null, org, run.id)}><Button type="submit" size="sm" variant="secondary"><RotateCcw className="size-4" aria-hidden />Restore</Button></form> : null}
        </Alert>
      ) : null}
      <Card>
        <CardContent className="grid grid-cols-2 gap-4 pt-6 text-sm sm:grid-cols-4">
          {facts.map(([k, v]) => <div key={k}><p className="text-xs text-muted-foreground">{k}</p><p className="font-medium tabular-nums break-words">{v}</p></div>)}
          {run.sweepId ? <div className="col-span-2 sm:col-span-4"><p className="text-xs text-muted-foreground">Sweep</p><Link className="text-sm font-medium hover:underline" href={`/${org}/training/sweeps/${run.sweepId}`}>A trial of a sweep — its progress and the other trials</Link></div> : null}
          {run.cluster ? <div className="col-span-2 sm:col-span-4"><p className="text-xs text-muted-foreground">Cluster</p><Link className="text-sm font-medium hover:underline" href={`/${org}/clusters/${run.cluster.id}`}>{run.cluster.name} — health, and every job on it</Link></div> : null}
          {run.command ? <div className="col-span-2 sm:col-span-4"><p className="text-xs text-muted-foreground">Command</p><p className="font-mono text-xs break-all">{run.command}</p></div> : null}
          <div className="col-span-2 sm:col-span-4">
            <p className="text-xs text-muted-foreground">Tags</p>
            {run.tags.length === 0 ? <p className="text-xs text-muted-foreground">None yet: jobs and SDKs set them with POST /api/v1/runs/{"{id}"}/tags.</p> : (
              <ul className="mt-1 flex flex-wrap gap-1.5" data-testid="run-tags">
                {run.tags.map((t) => <li key={t.key}><Badge variant="neutral" className="font-mono">{t.key}={t.value}</Badge></li>)}
              </ul>
            )}
          </div>
        </CardContent>
      </Card>
      {scheduling ? <JobScheduling org={org} s={scheduling} /> : null}
      <section aria-labelledby="metrics-h" className="flex flex-col gap-3">
        <h2 id="metrics-h" className="text-lg font-semibold">Metrics</h2>
        <RunMetrics org={org} runId={run.id} active={active} />
      </section>
      <Card>
        <CardHeader><CardTitle className="text-base">Logs</CardTitle></CardHeader>
        <CardContent><LogStream org={org} runId={run.id} active={active} /></CardContent>
      </Card>
      {checkpoints.length > 0 ? (
        <Card>
          <CardHeader><CardTitle className="text-base">Checkpoints</CardTitle></CardHeader>
          <CardContent>
            <ul className="flex flex-col divide-y text-sm" data-testid="checkpoints">
              {checkpoints.map((c) => (
                <li key={c.path} className="flex flex-wrap items-center justify-between gap-2 py-2">
                  <span className="font-mono text-xs">{c.path}</span>
                  <span className="flex items-center gap-3 text-xs text-muted-foreground">
                    {formatDateTime(c.createdAt)}
                    {mayRun ? <Button asChild size="sm" variant="outline"><Link href={`/${org}/training/new?from=${run.id}&resume=${encodeURIComponent(c.path)}`}><History className="size-4" aria-hidden />Resume from here</Link></Button> : null}
                  </span>
                </li>
              ))}
            </ul>
          </CardContent>
        </Card>
      ) : null}
      <div className="grid gap-6 lg:grid-cols-2">
        <Card>
          <CardHeader><CardTitle className="text-base">Artifacts</CardTitle></CardHeader>
          <CardContent>
            {run.artifacts.length === 0 ? (
              <EmptyState icon={FileBox} title="No artifacts" description="Files the job uploads (models, checkpoints, reports) are listed here." />
            ) : (
              <ArtifactTree org={org} runId={run.id} artifacts={run.artifacts} />
            )}
            {registered.length > 0 ? (
              <p className="mt-3 text-sm" data-testid="registered-as">Registered as {registered.map((r, i) => (
                <span key={`${r.name}-${r.version}`}>{i > 0 ? ", " : ""}<Link className="text-primary hover:underline" href={`/${org}/models/${encodeURIComponent(r.name)}`}>{r.name} v{r.version}</Link>{r.artifactPath ? <span className="text-muted-foreground"> ({r.artifactPath})</span> : null}</span>
              ))}</p>
            ) : null}
            {run.artifacts.length > 0 && can(me.role, "model:create") ? (
              <div className="mt-4"><RegisterArtifactForm org={org} runId={run.id} choices={registrable} defaultName={run.name.toLowerCase().replace(/[^\w .:-]+/g, "-").replace(/^[^\w]+/, "").slice(0, 100) || "model"} /></div>
            ) : null}
          </CardContent>
        </Card>
        <Card>
          <CardHeader><CardTitle className="text-base">Params</CardTitle></CardHeader>
          <CardContent>
            {run.params.length === 0 ? <p className="text-sm text-muted-foreground">No params recorded.</p> : (
              <Table>
                <TableHeader><TableRow><TableHead>Name</TableHead><TableHead>Value</TableHead></TableRow></TableHeader>
                <TableBody>{run.params.map((p) => <TableRow key={p.key}><TableCell className="font-mono text-xs">{p.key}</TableCell><TableCell className="font-mono text-xs break-all">{p.value}</TableCell></TableRow>)}</TableBody>
              </Table>
            )}
          </CardContent>
        </Card>
      </div>
      <Card>
        <CardHeader><CardTitle className="text-base">History</CardTitle></CardHeader>
        <CardContent>
          <ol className="flex flex-col gap-2 text-sm">
            {run.transitions.map((t) => (
              <li key={t.version} className="flex flex-wrap items-baseline gap-x-3">
                <span className="font-mono text-xs text-muted-foreground">{formatDateTime(t.at)}</span>
                <span className="font-medium">{t.fromStatus ? `${t.fromStatus} → ${t.toStatus}` : t.toStatus}</span>
                <span className="text-muted-foreground">{t.reason}{t.actor ? ` · ${t.actor}` : ""}</span>
              </li>
            ))}
          </ol>
        </CardContent>
      </Card>
    </div>
  );
}
