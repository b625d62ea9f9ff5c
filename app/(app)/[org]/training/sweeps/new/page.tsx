import Link from "next/link";
import { ArrowLeft } from "lucide-react";
import { NewSweepForm } from "@/components/sweeps/new-sweep-form";
import { Alert, AlertDescription } from "@/components/ui/alert";
import { PageHeader } from "@/components/ui/page-header";
import { serverApi } from "@/server/api/rsc";
import { can } from "@/server/tenancy/permissions";

export const metadata = { title: "New sweep" };

export default async function NewSweepPage({ params }: { params: Promise<{ org: string }> }) {
  const { org } = await params;
  const api = await serverApi();
  const me = await api.organizations.get({ org });
  const back = <Link href={`/${org}/training/sweeps`} className="flex items-center gap-1 text-sm text-muted-foreground hover:text-foreground"><ArrowLeft className="size-4" aria-hidden />Sweeps</Link>;
  if (!can(me.role, "run:create")) {
    return <div><PageHeader eyebrow={back} title="New sweep" /><Alert><AlertDescription>Your role ({me.role}) can view sweeps but not start them.</AlertDescription></Alert></div>;
  }
  const [templates, projects, clusters] = await Promise.all([
    api.training.templates({ org }), api.training.projects({ org }), can(me.role, "cluster:read") ? api.training.clusters({ org }) : Promise.resolve([]),
  ]);
  return (
    <div>
      <PageHeader eyebrow={back} title="New sweep" description="Set the job every trial runs, the space to search and the metric to optimise; Anvil runs the trials, stopping poor ones early if you ask." />
      <NewSweepForm org={org} templates={[...templates]} projects={projects} clusters={clusters} canRunCommands={can(me.role, "host:execute", me.grants)} />
    </div>
  );
}
