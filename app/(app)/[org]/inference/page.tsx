import Link from "next/link";
import { Plus, Server } from "lucide-react";
import { ServiceStatusBadge } from "@/components/inference/service-status";
import { AutoRefresh } from "@/components/shell/auto-refresh";
import { Button } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { serverApi } from "@/server/api/rsc";
import { can } from "@/server/tenancy/permissions";

export const metadata = { title: "Inference" };

const share = (weight: number, all: Array<{ weight: number }>) => `${Math.round((100 * weight) / Math.max(1, all.reduce((a, v) => a + v.weight, 0)))} %`;

export default async function InferencePage({ params }: { params: Promise<{ org: string }> }) {
  const { org } = await params;
  const api = await serverApi();
  const [services, me] = await Promise.all([api.inference.list({ org }), api.organizations.get({ org })]);
  const create = can(me.role, "service:create") ? <Button asChild><Link href={`/${org}/inference/new`}><Plus className="size-4" aria-hidden />New service</Link></Button> : null;
  return (
    <div className="flex flex-col gap-6">
      <PageHeader title="Inference" description="Services behind the OpenAI-compatible gateway: each spreads its requests over its replicas by load." actions={create} />
      <AutoRefresh active={services.some((s) => s.status === "DEPLOYING")} ms={3000} />
      {services.length === 0 ? (
        <EmptyState icon={Server} title="No services yet" description="Train the tiny language model (Training → New job → Tiny language model), register its model/model.json from the job's page, then create a service: Anvil runs its server here. Or put vLLM endpoints you run behind the gateway. Or deploy vLLM in a registered Kubernetes cluster." action={create} />
      ) : (
        <div className="overflow-x-auto rounded-lg border">
          <Table stackOnPhone>
            <TableHeader><TableRow><TableHead>Service</TableHead><TableHead>Status</TableHead><TableHead>Serves</TableHead><TableHead className="text-right">Replicas ready</TableHead></TableRow></TableHeader>
            <TableBody>
              {services.map((s) => (
                <TableRow key={s.id} data-testid="service-row">
                  <TableCell className="font-medium"><Link className="hover:underline" href={`/${org}/inference/${s.id}`}>{s.name}</Link><div className="font-mono text-xs text-muted-foreground">/api/v1/services/{s.name}/{s.protocol === "openai" ? "v1" : "v2"}</div></TableCell>
                  <TableCell><ServiceStatusBadge status={s.status} /></TableCell>
                  <TableCell className="text-sm">{s.variants.map((v) => (
                    <div key={v.name}>{s.variants.length > 1 ? <span className="text-muted-foreground">{v.name} ({share(v.weight, s.variants)}): </span> : null}{v.servedModel}
                      {v.model ? <span className="text-xs text-muted-foreground"> · <Link className="hover:underline" href={`/${org}/models/${encodeURIComponent(v.model.name)}`}>{v.model.name} v{v.model.version}</Link></span> : null}</div>
                  ))}</TableCell>
                  <TableCell className="text-right tabular-nums">{s.replicas.ready} of {s.replicas.total}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </div>
      )}
    </div>
  );
}
