import Link from "next/link";
import { ArrowLeft } from "lucide-react";
import { NewJobForm } from "@/components/training/new-job-form";
import { Alert, AlertDescription } from "@/components/ui/alert";
import { PageHeader } from "@/components/ui/page-header";
import { serverApi } from "@/server/api/rsc";
import { can } from "@/server/tenancy/permissions";

export const metadata = { title: "New training job" };

export default async function NewJobPage({ params }: { params: Promise<{ org: string }> }) {
  const { org } = await params;
  const api = await serverApi();
  const me = await api.organizations.get({ org });
  const back = <Link href={`/${org}/training`} className="flex items-center gap-1 text-sm text-muted-foreground hover:text-foreground"><ArrowLeft className="size-4" aria-hidden />Training</Link>;
  if (!can(me.role, "run:create")) {
    return (
      <div>
        <PageHeader eyebrow={back} title="New training job" />
        <Alert><AlertDescription>Your role ({me.role}) can view jobs but not submit them. Ask an admin of {me.name} for the user role.</AlertDescription></Alert>
      </div>
    );
  }
  const [templates, projects] = await Promise.all([api.training.templates({ org }), api.training.projects({ org })]);
  const canRunCommands = can(me.role, "host:execute", me.grants);
  return (
    <div>
      <PageHeader eyebrow={back} title="New training job" description={canRunCommands
        ? "Pick a template or run your own command; it starts on this machine right away."
        : "Pick a template; it starts on this machine right away. Running your own commands here needs an admin's permission (Settings → Members)."} />
      <NewJobForm org={org} templates={[...templates]} projects={projects} canRunCommands={canRunCommands} />
    </div>
  );
}
