import Link from "next/link";
import { ArrowLeft } from "lucide-react";
import { NewJobForm, type JobPrefill } from "@/components/training/new-job-form";
import { BudgetWarning } from "@/components/scheduling/budget-bar";
import { Alert, AlertDescription } from "@/components/ui/alert";
import { PageHeader } from "@/components/ui/page-header";
import { serverApi } from "@/server/api/rsc";
import { can } from "@/server/tenancy/permissions";
import { idSchema } from "@/server/tenancy/validation";

export const metadata = { title: "New training job" };

/** `?from=<run>` starts from that job's settings (clone); `&resume=<artifact path>` resumes from its checkpoint. */
export default async function NewJobPage({ params, searchParams }: { params: Promise<{ org: string }>; searchParams: Promise<{ from?: string; resume?: string }> }) {
  const { org } = await params;
  const { from, resume } = await searchParams;
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
  const canUseClusters = can(me.role, "cluster:execute");
  const [templates, projects, clusters, scheduling] = await Promise.all([
    api.training.templates({ org }), api.training.projects({ org }), can(me.role, "cluster:read") ? api.training.clusters({ org }) : Promise.resolve([]),
    api.scheduling.overview({ org }),
  ]);
  let prefill: JobPrefill | undefined;
  if (from && idSchema.safeParse(from).success) {
    const settings = await api.training.settings({ org, runId: from }).catch(() => null);
    if (settings) {
      prefill = {
        ...settings, name: resume ? `${settings.name} (resumed)` : `${settings.name} (clone)`,
        resume: resume ? { runId: from, path: resume } : undefined,
      };
    }
  }
  const canRunCommands = can(me.role, "host:execute", me.grants);
  return (
    <div>
      <PageHeader eyebrow={back} title={prefill?.resume ? "Resume training job" : prefill ? "Clone training job" : "New training job"}
        description="Pick a template or your own command, and where it runs: this machine, or a Ray or KubeRay cluster." />
      <BudgetWarning budget={scheduling.budget} settingsHref={`/${org}/settings/scheduling`} />
      <NewJobForm org={org} templates={[...templates]} projects={projects} clusters={clusters} queues={scheduling.queues.map((q) => ({ name: q.name, isDefault: q.isDefault }))} canRunCommands={canRunCommands} canUseClusters={canUseClusters} prefill={prefill} />
    </div>
  );
}
