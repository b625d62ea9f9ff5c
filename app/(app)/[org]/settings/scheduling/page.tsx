import Link from "next/link";
import { Cpu } from "lucide-react";
import { BudgetBar } from "@/components/scheduling/budget-bar";
import { BudgetForm, PoolForm, QueueForm } from "@/components/scheduling/scheduling-forms";
import { ErrorBanner } from "@/components/settings/error-banner";
import { ConfirmSubmit } from "@/components/ui/confirm-submit";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { money } from "@/lib/format-money";
import { serverApi } from "@/server/api/rsc";
import { can } from "@/server/tenancy/permissions";
import { deletePoolAction, deleteQueueAction } from "./actions";

export const metadata = { title: "GPU pools & budget" };

export default async function SchedulingSettingsPage({ params, searchParams }: { params: Promise<{ org: string }>; searchParams: Promise<{ error?: string }> }) {
  const { org } = await params;
  const { error } = await searchParams;
  const api = await serverApi();
  const [me, overview] = await Promise.all([api.organizations.get({ org }), api.scheduling.overview({ org })]);
  const admin = can(me.role, "quota:update");
  const clusters = can(me.role, "cluster:read") ? (await api.clusters.list({ org })).map((c) => ({ id: c.id, name: c.name })) : [];
  const poolNames = overview.pools.map((p) => p.name);
  return (
    <div className="flex flex-col gap-6">
      <ErrorBanner message={error} />
      <p className="text-sm text-muted-foreground">
        GPU jobs wait in a queue until its quota in a pool has room; queues of a cohort lend each other idle GPUs, and take them back by
        preempting the borrowers. Who holds and who waits: <Link className="underline" href={`/${org}/training/queues`}>Training → Queues</Link>; spend: <Link className="underline" href={`/${org}/training/costs`}>Training → Costs</Link>.
        {admin ? null : ` Your role (${me.role}) can read these settings; admins change them.`}
      </p>

      <Card>
        <CardHeader><CardTitle className="text-base">Budget</CardTitle><CardDescription>GPU-hours × each pool's price, this calendar month.</CardDescription></CardHeader>
        <CardContent className="flex flex-col gap-4">
          {overview.budget ? <BudgetBar budget={overview.budget} /> : <p className="text-sm text-muted-foreground">No budget: GPU jobs are never refused for cost.</p>}
          {admin ? <BudgetForm org={org} monthlyLimit={overview.budget?.limit ?? null} /> : null}
        </CardContent>
      </Card>

      <section aria-labelledby="pools-heading" className="flex flex-col gap-3">
        <h2 id="pools-heading" className="text-lg font-semibold">GPU pools</h2>
        {overview.pools.length === 0 ? (
          <EmptyState icon={Cpu} title="No GPU pools" description={admin ? "Create one below: its GPUs, their type, where they are and what an hour costs. Until then GPU jobs are not queued." : "An admin creates pools; until then GPU jobs are not queued."} />
        ) : overview.pools.map((p) => (
          <Card key={p.id} data-testid={`pool-${p.name}`}>
            <CardHeader>
              <CardTitle className="text-base">{p.name}</CardTitle>
              <CardDescription>{p.gpus} × {p.gpuType ?? "GPU"} on {p.runsOn} · {money(p.costPerGpuHour)} per GPU-hour · {p.inUse} in use</CardDescription>
            </CardHeader>
            {admin ? (
              <CardContent className="flex flex-col gap-3">
                <details><summary className="cursor-pointer text-sm">Edit</summary><div className="mt-3"><PoolForm org={org} pool={p} clusters={clusters} /></div></details>
                <div><ConfirmSubmit action={deletePoolAction.bind(null, org, p.id)} title={`Delete pool “${p.name}”?`} confirmLabel="Delete pool"
                  description="Queues lose their quota in it. Refused while jobs hold GPUs in it.">Delete</ConfirmSubmit></div>
              </CardContent>
            ) : null}
          </Card>
        ))}
        {admin ? <Card><CardHeader><CardTitle className="text-base">New pool</CardTitle></CardHeader><CardContent><PoolForm org={org} clusters={clusters} /></CardContent></Card> : null}
      </section>

      <section aria-labelledby="queues-heading" className="flex flex-col gap-3">
        <h2 id="queues-heading" className="text-lg font-semibold">Queues</h2>
        {overview.queues.length === 0 ? <p className="text-sm text-muted-foreground">No queues yet{admin && poolNames.length > 0 ? ": create one below and give it a quota in a pool." : "."}</p> : overview.queues.map((q) => (
          <Card key={q.id} data-testid={`queue-${q.name}`}>
            <CardHeader>
              <CardTitle className="text-base">{q.name}{q.isDefault ? <span className="ml-2 text-xs font-normal text-muted-foreground">default</span> : null}</CardTitle>
              <CardDescription>
                {q.cohort ? `cohort ${q.cohort}, weight ${q.weight}` : "no cohort (borrows nothing)"} · {q.quotas.length === 0 ? "no quota" : q.quotas.map((x) => `${x.pool}: ${x.inUse}/${x.nominal}${x.borrowingLimit !== null ? ` (+${x.borrowingLimit} borrowable)` : ""}`).join(", ")}
                {q.minRuntimeSeconds > 0 ? ` · protected for ${Math.round(q.minRuntimeSeconds / 60)} min` : ""} · {q.waiting.length} waiting
              </CardDescription>
            </CardHeader>
            {admin ? (
              <CardContent className="flex flex-col gap-3">
                <details><summary className="cursor-pointer text-sm">Edit</summary><div className="mt-3"><QueueForm org={org} queue={q} pools={poolNames} /></div></details>
                <div><ConfirmSubmit action={deleteQueueAction.bind(null, org, q.id)} title={`Delete queue “${q.name}”?`} confirmLabel="Delete queue"
                  description="Refused while jobs wait or run in it.">Delete</ConfirmSubmit></div>
              </CardContent>
            ) : null}
          </Card>
        ))}
        {admin ? <Card><CardHeader><CardTitle className="text-base">New queue</CardTitle></CardHeader><CardContent><QueueForm org={org} pools={poolNames} /></CardContent></Card> : null}
      </section>
    </div>
  );
}
