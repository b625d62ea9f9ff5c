import Link from "next/link";
import { Server } from "lucide-react";
import { HealthBadge } from "@/components/clusters/health-badge";
import { RegisterClusterForm } from "@/components/clusters/register-cluster-form";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { serverApi } from "@/server/api/rsc";
import { can } from "@/server/tenancy/permissions";

export const metadata = { title: "Clusters" };

export default async function ClustersPage({ params }: { params: Promise<{ org: string }> }) {
  const { org } = await params;
  const api = await serverApi();
  const me = await api.organizations.get({ org });
  if (!can(me.role, "cluster:read")) return <p className="text-sm text-muted-foreground">Your role ({me.role}) cannot see clusters.</p>;
  const clusters = await api.clusters.list({ org });
  const canRegister = can(me.role, "cluster:create");
  return (
    <div className="flex flex-col gap-6">
      <PageHeader title="Clusters" description="Where training runs when one machine is not enough: Ray clusters through their Jobs API, and Kubernetes with KubeRay, where each job gets a Ray cluster of its own." />
      {clusters.length === 0 ? (
        <EmptyState icon={Server} title="No clusters yet"
          description={canRegister ? "Register a Ray dashboard address or a Kubernetes API server below; then choose it under “Run on” when you submit a job. No cluster at hand? docs/clusters.md starts a local stand-in." : "An admin or manager can register Ray and KubeRay clusters; jobs can then run on them."} />
      ) : (
        <div className="overflow-x-auto rounded-lg border">
          <Table stackOnPhone>
            <TableHeader><TableRow><TableHead>Name</TableHead><TableHead>Kind</TableHead><TableHead>Address</TableHead><TableHead>Health</TableHead><TableHead>Ray</TableHead><TableHead className="text-right">Active jobs</TableHead></TableRow></TableHeader>
            <TableBody>
              {clusters.map((c) => (
                <TableRow key={c.id}>
                  <TableCell className="font-medium"><Link className="hover:underline" href={`/${org}/clusters/${c.id}`}>{c.name}</Link></TableCell>
                  <TableCell>{c.kind === "ray" ? "Ray" : "KubeRay"}</TableCell>
                  <TableCell className="max-w-64 truncate font-mono text-xs" title={c.address}>{c.address}{c.namespace ? ` · ${c.namespace}` : ""}</TableCell>
                  <TableCell><HealthBadge health={c.health} />{c.lastError ? <p className="mt-1 max-w-72 truncate text-xs text-destructive" title={c.lastError}>{c.lastError}</p> : null}</TableCell>
                  <TableCell className="font-mono text-xs">{c.rayVersion ?? "—"}</TableCell>
                  <TableCell className="text-right tabular-nums">{c.activeJobs}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </div>
      )}
      {canRegister ? (
        <Card>
          <CardHeader><CardTitle className="text-base">Register a cluster</CardTitle><CardDescription>Admins and managers can register clusters; every member who may submit jobs can run them there.</CardDescription></CardHeader>
          <CardContent><RegisterClusterForm org={org} /></CardContent>
        </Card>
      ) : null}
    </div>
  );
}
