import Link from "next/link";
import { notFound } from "next/navigation";
import { ArrowLeft, Trash2 } from "lucide-react";
import { Playground } from "@/components/inference/playground";
import { ServiceCharts } from "@/components/inference/service-charts";
import { variantTotals } from "@/components/inference/prepare-service";
import { ServiceStatusBadge } from "@/components/inference/service-status";
import { VariantsPanel } from "@/components/inference/variants-panel";
import { AutoRefresh } from "@/components/shell/auto-refresh";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { ConfirmSubmit } from "@/components/ui/confirm-submit";
import { PageHeader } from "@/components/ui/page-header";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { formatDateTime } from "@/lib/format-time";
import { notFoundOn } from "@/server/api/not-found";
import { serverApi } from "@/server/api/rsc";
import { can } from "@/server/tenancy/permissions";
import { idSchema } from "@/server/tenancy/validation";
import { deleteServiceAction } from "../actions";
import { TrafficTab } from "./traffic-tab";

export const metadata = { title: "Service" };

const TABS = [["overview", "Overview"], ["rollouts", "Rollouts"], ["ab", "A/B test"], ["scaling", "Autoscaling"], ["monitoring", "Monitoring"]] as const;
type Tab = (typeof TABS)[number][0];

export default async function ServicePage({ params, searchParams }: { params: Promise<{ org: string; serviceId: string }>; searchParams: Promise<{ tab?: string }> }) {
  const { org, serviceId } = await params;
  const asked = (await searchParams).tab;
  const tab: Tab = TABS.find(([t]) => t === asked)?.[0] ?? "overview";
  if (!idSchema.safeParse(serviceId).success) notFound();
  const api = await serverApi();
  const [s, me] = await Promise.all([api.inference.get({ org, serviceId }).catch((err: unknown) => notFoundOn(err)), api.organizations.get({ org })]);
  // The process backend's add-variant form offers the registered versions.
  const versions = s.backend === "process" && can(me.role, "service:update") && (tab === "overview" || tab === "rollouts")
    ? (await Promise.all((await api.registry.list({ org })).slice(0, 50).map((m) => api.registry.get({ org, name: m.name })))).flatMap((m) => m.versions.map((v) => `${m.name}@${v.version}`)) : [];
  const live = s.status !== "STOPPED";
  const base = `/api/v1/services/${s.name}/${s.protocol === "openai" ? "v1" : "v2"}`;
  const remove = live && can(me.role, "service:delete") ? (
    <ConfirmSubmit action={deleteServiceAction.bind(null, org, s.id)} variant="outline" size="default" title={`Delete “${s.name}”?`} confirmLabel="Delete service"
      description="The gateway stops answering for it at once. The model servers themselves keep running; its stats and request log stay."><Trash2 className="size-4" aria-hidden />Delete</ConfirmSubmit>
  ) : null;
  const back = <Link href={`/${org}/inference`} className="flex items-center gap-1 text-sm text-muted-foreground hover:text-foreground"><ArrowLeft className="size-4" aria-hidden />Inference</Link>;
  return (
    <div className="flex flex-col gap-6">
      <AutoRefresh active={live} ms={5000} />
      <PageHeader eyebrow={back} title={<span className="flex flex-wrap items-center gap-3">{s.name}<ServiceStatusBadge status={s.status} data-testid="service-status" /></span>}
        description={<span data-testid="service-message">{s.statusMessage}</span>} actions={remove} />
      <nav className="flex gap-1 border-b" aria-label="Service sections">
        {TABS.map(([t, label]) => (
          <Link key={t} href={`/${org}/inference/${s.id}${t === "overview" ? "" : `?tab=${t}`}`} aria-current={t === tab ? "page" : undefined}
            className={t === tab ? "-mb-px border-b-2 border-primary px-3 py-2 text-sm font-medium" : "px-3 py-2 text-sm text-muted-foreground hover:text-foreground"}>{label}</Link>
        ))}
      </nav>
      {tab !== "overview" ? <TrafficTab tab={tab} org={org} service={s} versions={versions} canEdit={live && can(me.role, "service:update")} /> : <>
      <Card>
        <CardHeader><CardTitle className="text-base">Call it</CardTitle><CardDescription>With an API key (Settings → API keys); any OpenAI client works with this base URL.</CardDescription></CardHeader>
        <CardContent className="flex flex-col gap-2 text-sm">
          <pre className="overflow-x-auto rounded-md bg-muted/40 p-3 text-xs" data-testid="service-curl">{s.protocol === "openai"
            ? `curl $ANVIL${base}/chat/completions -H "Authorization: Bearer $KEY" -H 'content-type: application/json' \\\n  -d '{"model":"${s.name}","messages":[{"role":"user","content":"Hello"}],"stream":true}'\n\n# Python: OpenAI(base_url="$ANVIL${base}", api_key="$KEY")`
            : `curl $ANVIL${base}/models/${s.name}/infer -H "Authorization: Bearer $KEY" -H 'content-type: application/json' \\\n  -d '{"inputs":[{"name":"input-0","shape":[1,4],"datatype":"FP32","data":[5.1,3.5,1.4,0.2]}]}'`}</pre>
        </CardContent>
      </Card>
      <Card>
        <CardHeader><CardTitle className="text-base">Variants</CardTitle><CardDescription>Each request goes to a variant at random by weight (or the one named in an <code>x-anvil-variant</code> header), then to its least loaded replica. The answer says which in <code>x-anvil-variant</code>.</CardDescription></CardHeader>
        <CardContent><VariantsPanel org={org} serviceId={s.id} backend={s.backend} variants={s.variants} totals={variantTotals(s.stats, s.variants.map((v) => v.name))} versions={versions} canEdit={live && can(me.role, "service:update")} /></CardContent>
      </Card>
      <Card>
        <CardHeader><CardTitle className="text-base">Replicas</CardTitle><CardDescription>{s.backend === "process" ? "Anvil runs them on this machine, each a run; one whose run ends is replaced. " : s.backend === "kubernetes" ? "The pods of each variant's Deployment, found by label. " : ""}Checked every 5 s: ready = /health answers and the served model is listed. Queue and KV cache come from /metrics.</CardDescription></CardHeader>
        <CardContent>
          <Table data-testid="replicas">
            <TableHeader><TableRow><TableHead>Variant</TableHead><TableHead>Endpoint</TableHead><TableHead>State</TableHead><TableHead className="text-right">Waiting</TableHead><TableHead className="text-right">KV cache</TableHead><TableHead>Checked</TableHead></TableRow></TableHeader>
            <TableBody>
              {s.replicas.map((r) => (
                <TableRow key={r.id}>
                  <TableCell className="text-sm">{r.variant}</TableCell>
                  <TableCell className="font-mono text-xs">{r.url}{r.runId ? <> · <Link className="text-primary hover:underline" href={`/${org}/training/${r.runId}`}>run</Link>{r.restarts > 0 ? <span className="text-muted-foreground"> (replaced {r.restarts}×)</span> : null}</> : null}{r.lastError ? <div className="whitespace-normal text-destructive">{r.lastError}</div> : null}</TableCell>
                  <TableCell><Badge variant={r.state === "ready" ? "success" : r.state === "unhealthy" ? "danger" : "neutral"}>{r.state}</Badge></TableCell>
                  <TableCell className="text-right tabular-nums">{r.waiting ?? "—"}</TableCell>
                  <TableCell className="text-right tabular-nums">{r.kvCacheUsage === null ? "—" : `${Math.round(r.kvCacheUsage * 100)} %`}</TableCell>
                  <TableCell className="text-xs text-muted-foreground">{r.checkedAt ? formatDateTime(r.checkedAt) : "not yet"}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </CardContent>
      </Card>
      <Card>
        <CardHeader><CardTitle className="text-base">Last hour</CardTitle></CardHeader>
        <CardContent><ServiceCharts stats={s.stats} variants={s.variants.map((v) => v.name)} /></CardContent>
      </Card>
      {live && s.protocol === "openai" && can(me.role, "service:execute") ? (
        <Card>
          <CardHeader><CardTitle className="text-base">Playground</CardTitle><CardDescription>A chat message through the gateway, streamed.</CardDescription></CardHeader>
          <CardContent><Playground org={org} service={s.name} /></CardContent>
        </Card>
      ) : null}
      <section className="flex flex-col gap-3">
        <h2 className="text-base font-semibold">Requests</h2>
        <p className="text-xs text-muted-foreground">The first 20 of each minute.</p>
        <div className="overflow-x-auto rounded-lg border">
          <Table data-testid="request-log">
            <TableHeader><TableRow><TableHead>When</TableHead><TableHead>Variant</TableHead><TableHead>Path</TableHead><TableHead>Status</TableHead><TableHead className="text-right">Latency</TableHead><TableHead className="text-right">First token</TableHead><TableHead className="text-right">Tokens</TableHead><TableHead>Note</TableHead></TableRow></TableHeader>
            <TableBody>
              {s.requests.length === 0 ? <TableRow><TableCell colSpan={8} className="text-muted-foreground">None yet.</TableCell></TableRow> : s.requests.map((r, i) => (
                <TableRow key={i}>
                  <TableCell className="text-xs text-muted-foreground">{formatDateTime(r.at)}</TableCell>
                  <TableCell className="text-sm">{r.variant ?? "—"}</TableCell>
                  <TableCell className="font-mono text-xs">{r.path}{r.stream ? " (stream)" : ""}</TableCell>
                  <TableCell className="tabular-nums">{r.status}</TableCell>
                  <TableCell className="text-right tabular-nums">{Math.round(r.latencyMs)} ms</TableCell>
                  <TableCell className="text-right tabular-nums">{r.ttftMs === null ? "—" : `${Math.round(r.ttftMs)} ms`}</TableCell>
                  <TableCell className="text-right tabular-nums">{r.promptTokens ?? "—"} → {r.completionTokens ?? "—"}</TableCell>
                  <TableCell className="text-xs">{r.error ?? (r.attempts > 1 ? `retried on another replica (${r.attempts} tries)` : "")}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </div>
      </section>
      </>}
    </div>
  );
}
