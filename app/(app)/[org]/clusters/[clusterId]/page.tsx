import Link from "next/link";
import { notFound } from "next/navigation";
import { ArrowLeft, Dumbbell, RefreshCw } from "lucide-react";
import { HealthBadge } from "@/components/clusters/health-badge";
import { RegisterClusterForm } from "@/components/clusters/register-cluster-form";
import { ErrorBanner } from "@/components/settings/error-banner";
import { AutoRefresh } from "@/components/shell/auto-refresh";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { ConfirmSubmit } from "@/components/ui/confirm-submit";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { StatusBadge } from "@/components/ui/status-badge";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { formatDateTime } from "@/lib/format-time";
import { serverApi } from "@/server/api/rsc";
import { isTerminal } from "@/server/runner/run-lifecycle";
import { can } from "@/server/tenancy/permissions";
import { idSchema } from "@/server/tenancy/validation";
import { checkClusterAction, deleteClusterAction } from "../actions";

export const metadata = { title: "Cluster" };

export default async function ClusterPage({ params, searchParams }: { params: Promise<{ org: string; clusterId: string }>; searchParams: Promise<{ error?: string }> }) {
  const { org, clusterId } = await params;
  const { error } = await searchParams;
  if (!idSchema.safeParse(clusterId).success) notFound();
  const api = await serverApi();
  const [me, data] = await Promise.all([api.organizations.get({ org }), api.clusters.get({ org, clusterId }).catch(() => null)]);
  if (!data) notFound();
  const { cluster: c, jobs } = data;
  const facts: Array<[string, string]> = [
    ["Kind", c.kind === "ray" ? "Ray cluster (Jobs REST API)" : "Kubernetes with KubeRay (a RayJob per job)"],
    [c.kind === "ray" ? "Dashboard" : "API server", c.address],
    ...(c.namespace ? [["Namespace", c.namespace] as [string, string]] : []),
    ...(c.rayImage ? [["Ray image", c.rayImage] as [string, string]] : []),
    ["Ray version", c.rayVersion ?? "unknown"],
    ["Credentials", c.hasCredentials ? "stored, encrypted" : "none"],
    ["Last checked", c.checkedAt ? formatDateTime(c.checkedAt) : "never"],
  ];
  const back = <Link href={`/${org}/clusters`} className="flex items-center gap-1 text-sm text-muted-foreground hover:text-foreground"><ArrowLeft className="size-4" aria-hidden />Clusters</Link>;
  const actions = (
    <div className="flex gap-2">
      {can(me.role, "cluster:update") ? <form action={checkClusterAction.bind(null, org, clusterId)}><Button type="submit" variant="outline" size="sm"><RefreshCw className="size-4" aria-hidden />Check now</Button></form> : null}
      {can(me.role, "cluster:delete") ? (
        <ConfirmSubmit action={deleteClusterAction.bind(null, org, clusterId)} title={`Remove ${c.name}?`} confirmLabel="Remove cluster"
          description="Jobs that ran on it keep their logs, metrics and artifacts. Running jobs must be stopped first.">Remove</ConfirmSubmit>
      ) : null}
    </div>
  );
  return (
    <div className="flex flex-col gap-6">
      <PageHeader eyebrow={back} title={c.name} description={<span className="flex items-center gap-2"><HealthBadge health={c.health} />{c.activeJobs} active job{c.activeJobs === 1 ? "" : "s"}</span>} actions={actions} />
      <AutoRefresh active={jobs.some((j) => !isTerminal(j.status))} />
      <ErrorBanner message={error} />
      {c.lastError ? <p role="alert" className="rounded-md border border-destructive/40 bg-destructive/5 p-3 text-sm text-destructive">Last error: {c.lastError}</p> : null}
      <Card>
        <CardHeader><CardTitle className="text-base">Connection</CardTitle></CardHeader>
        <CardContent>
          <dl className="grid gap-x-6 gap-y-2 text-sm sm:grid-cols-[max-content_1fr]">
            {facts.map(([k, val]) => [<dt key={`${k}-t`} className="text-muted-foreground">{k}</dt>, <dd key={`${k}-d`} className="font-mono text-xs break-all sm:text-sm">{val}</dd>])}
          </dl>
        </CardContent>
      </Card>
      {can(me.role, "cluster:update") ? (
        <details className="rounded-lg border p-4" data-testid="edit-connection">
          <summary className="cursor-pointer text-sm font-medium">Change the connection (a rotated token, a moved address)</summary>
          <div className="pt-4"><RegisterClusterForm org={org} existing={{ id: c.id, kind: c.kind, name: c.name, address: c.address, namespace: c.namespace, rayImage: c.rayImage }} /></div>
        </details>
      ) : null}
      <section className="flex flex-col gap-3">
        <h2 className="text-base font-semibold">Jobs on this cluster</h2>
        {jobs.length === 0 ? (
          <EmptyState icon={Dumbbell} title="No jobs yet" description="Submit one from Training → New training job and choose this cluster under “Run on”."
            action={can(me.role, "run:create") ? <Button asChild size="sm"><Link href={`/${org}/training/new`}>New training job</Link></Button> : null} />
        ) : (
          <div className="overflow-x-auto rounded-lg border">
            <Table stackOnPhone>
              <TableHeader><TableRow><TableHead>Job</TableHead><TableHead>Status</TableHead><TableHead>Remote id</TableHead><TableHead>Attempt</TableHead><TableHead>Submitted</TableHead></TableRow></TableHeader>
              <TableBody>
                {jobs.map((j) => (
                  <TableRow key={j.id}>
                    <TableCell className="font-medium"><Link className="hover:underline" href={`/${org}/training/${j.id}`}>{j.name}</Link></TableCell>
                    <TableCell><StatusBadge status={j.status} />{j.statusMessage && j.status !== "SUCCEEDED" ? <p className="mt-1 max-w-72 truncate text-xs text-muted-foreground" title={j.statusMessage}>{j.statusMessage}</p> : null}</TableCell>
                    <TableCell className="font-mono text-xs">{j.remoteId ?? "—"}</TableCell>
                    <TableCell className="tabular-nums">{j.attempt}</TableCell>
                    <TableCell className="text-xs text-muted-foreground">{formatDateTime(j.createdAt)}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </div>
        )}
      </section>
    </div>
  );
}
