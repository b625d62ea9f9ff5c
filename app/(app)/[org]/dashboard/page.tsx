import Link from "next/link";
import { Dumbbell, KeyRound, Plus, Users } from "lucide-react";
import { AutoRefresh } from "@/components/shell/auto-refresh";
import { RunsTable } from "@/components/training/runs-table";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { serverApi } from "@/server/api/rsc";
import { can } from "@/server/tenancy/permissions";

export const metadata = { title: "Dashboard" };

const CARDS = [
  { label: "Running", statuses: ["STARTING", "RUNNING"] },
  { label: "Queued", statuses: ["QUEUED"] },
  { label: "Succeeded", statuses: ["SUCCEEDED"] },
  { label: "Failed", statuses: ["FAILED"] },
] as const;

export default async function DashboardPage({ params }: { params: Promise<{ org: string }> }) {
  const { org } = await params;
  const api = await serverApi();
  const [me, counts, recent] = await Promise.all([api.organizations.get({ org }), api.runs.counts({ org }), api.runs.list({ org, limit: 5 })]);
  const active = (counts.QUEUED ?? 0) + (counts.STARTING ?? 0) + (counts.RUNNING ?? 0) > 0;
  return (
    <div className="flex flex-col gap-6">
      <AutoRefresh active={active} />
      <PageHeader title="Dashboard" description={`${me.name} · you are ${me.role}`} actions={can(me.role, "run:create") ? <Button asChild><Link href={`/${org}/training/new`}><Plus className="size-4" aria-hidden />New training job</Link></Button> : null} />
      <div className="grid grid-cols-2 gap-4 lg:grid-cols-4">
        {CARDS.map((c) => (
          <Card key={c.label}>
            <CardHeader className="pb-2"><CardDescription>{c.label} jobs</CardDescription></CardHeader>
            <CardContent><p className="text-3xl font-semibold tabular-nums">{c.statuses.reduce((n, s) => n + (counts[s] ?? 0), 0)}</p></CardContent>
          </Card>
        ))}
      </div>
      <section className="flex flex-col gap-3" aria-labelledby="recent-h">
        <h2 id="recent-h" className="text-lg font-semibold">Recent jobs</h2>
        {recent.items.length === 0 ? (
          <EmptyState icon={Dumbbell} title="Nothing has run yet" description="Submit the Iris example job to see live logs and charts in under a minute." action={can(me.role, "run:create") ? <Button asChild variant="outline"><Link href={`/${org}/training/new`}>Try the example job</Link></Button> : null} />
        ) : <RunsTable org={org} runs={recent.items} now={new Date()} />}
      </section>
      <div className="grid gap-4 md:grid-cols-3">
        <QuickLink href={`/${org}/settings/members`} icon={<Users className="size-5" aria-hidden />} title="Members" text="Invite your team with a role." />
        <QuickLink href={`/${org}/settings/api-keys`} icon={<KeyRound className="size-5" aria-hidden />} title="API keys" text="Log from scripts, SDKs and agents." />
        <Card>
          <CardHeader><CardTitle className="text-base">GPU utilization</CardTitle><CardDescription>No GPU pools are configured: pools, quotas and utilization charts arrive with the scheduler.</CardDescription></CardHeader>
        </Card>
      </div>
    </div>
  );
}

function QuickLink({ href, icon, title, text }: { href: string; icon: React.ReactNode; title: string; text: string }) {
  return (
    <Link href={href} className="rounded-lg focus-visible:outline-hidden focus-visible:ring-2 focus-visible:ring-ring">
      <Card className="h-full transition-colors duration-150 hover:bg-accent/50">
        <CardHeader><CardTitle className="flex items-center gap-2 text-base">{icon}{title}</CardTitle><CardDescription>{text}</CardDescription></CardHeader>
      </Card>
    </Link>
  );
}
