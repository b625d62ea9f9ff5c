"use client";

import { useActionState, useState } from "react";
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { acknowledgeAlertsAction, saveTrafficSettingsAction } from "@/app/(app)/[org]/inference/traffic-actions";
import { FormError, formField, SubmitButton } from "@/components/forms/form-parts";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Select } from "@/components/ui/select";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { formatDateTime } from "@/lib/format-time";
import { initialFormState } from "@/lib/form-state";
import { driftBars, type BinLike } from "./prepare-traffic";

export interface AlertView { id: number; at: Date | string; kind: string; message: string; delivery: string | null; acknowledgedAt: Date | string | null }
interface FeatureView { feature: string; label: string; reference: number; current: number; ks: { d: number; p: number } | null; psi: number | null; level: string | null; drifted: boolean; bins: BinLike[] }
export interface DriftView { thresholds: { ksP: number; psi: number; minSamples: number }; variants: Array<{ variant: string; reference: string; features: FeatureView[] }> }
export interface TrafficSettings { slo: { maxErrorRate?: number; maxP95LatencyMs?: number; maxP95TtftMs?: number } | null; sticky: { from: string; name: string } | null; alertWebhook: string | null }

const axisTick = { fill: "var(--muted-foreground)", fontSize: 11 };
const LEVEL: Record<string, "success" | "warning" | "danger"> = { stable: "success", moderate: "warning", significant: "danger" };

/** Alerts first (what needs a look), then drift per variant with its bins, then the settings they are judged by. */
export function MonitoringPanel({ org, serviceId, alerts, drift, settings, canEdit }: { org: string; serviceId: string; alerts: AlertView[]; drift: DriftView; settings: TrafficSettings; canEdit: boolean }) {
  const open = alerts.filter((a) => !a.acknowledgedAt).length;
  return (
    <div className="flex flex-col gap-8">
      <section className="flex flex-col gap-2">
        <div className="flex items-center justify-between"><h3 className="text-sm font-medium">Alerts{open ? ` (${open} new)` : ""}</h3>{open && canEdit ? <Button variant="outline" size="sm" onClick={() => void acknowledgeAlertsAction(org, serviceId)}>Mark all seen</Button> : null}</div>
        {alerts.length === 0 ? <p className="text-sm text-muted-foreground">No alerts. The runner checks the SLO over the last 5 minutes and drift twice a minute; a rollback raises one too.</p> : (
          <ul className="flex flex-col gap-1 text-sm" data-testid="alerts">
            {alerts.map((a) => (
              <li key={a.id} className={a.acknowledgedAt ? "text-muted-foreground" : undefined}>
                <span className="text-xs tabular-nums text-muted-foreground">{formatDateTime(new Date(a.at))}</span> <Badge variant={a.kind === "slo" || a.kind === "rollback" ? "danger" : "warning"}>{a.kind}</Badge> {a.message}
                {a.delivery ? <span className="text-xs text-muted-foreground"> · webhook: {a.delivery}</span> : null}
              </li>
            ))}
          </ul>
        )}
      </section>
      <section className="flex flex-col gap-3" data-testid="drift">
        <h3 className="text-sm font-medium">Drift</h3>
        <p className="text-xs text-muted-foreground">Per variant, the last hour of sampled requests against a reference: the two-sample Kolmogorov–Smirnov test and the population stability index on prompt tokens, completion tokens and latency. Drift is called at KS p &lt; {drift.thresholds.ksP} and PSI ≥ {drift.thresholds.psi}; fewer than {drift.thresholds.minSamples} requests on a side gives no verdict.</p>
        {drift.variants.map((v) => <DriftVariant key={v.variant} v={v} />)}
      </section>
      {canEdit ? <Settings org={org} serviceId={serviceId} settings={settings} /> : null}
    </div>
  );
}

function DriftVariant({ v }: { v: DriftView["variants"][number] }) {
  const judged = v.features.filter((f) => f.ks);
  const [shown, setShown] = useState(judged.find((f) => f.drifted)?.feature ?? judged[0]?.feature ?? null);
  const f = v.features.find((x) => x.feature === shown);
  return (
    <div className="flex flex-col gap-2 rounded-lg border p-3">
      <p className="text-sm"><b>{v.variant}</b> <span className="text-muted-foreground">against {v.reference}</span></p>
      <Table>
        <TableHeader><TableRow><TableHead>Feature</TableHead><TableHead className="text-right">Requests (ref / now)</TableHead><TableHead className="text-right">KS D</TableHead><TableHead className="text-right">KS p</TableHead><TableHead className="text-right">PSI</TableHead><TableHead>Reading</TableHead></TableRow></TableHeader>
        <TableBody>
          {v.features.map((x) => (
            <TableRow key={x.feature} className={x.ks ? "cursor-pointer" : undefined} onClick={() => x.ks && setShown(x.feature)} data-testid="drift-feature">
              <TableCell className="text-sm">{x.label}{x.feature === shown ? " ◂" : ""}</TableCell>
              <TableCell className="text-right tabular-nums">{x.reference} / {x.current}</TableCell>
              <TableCell className="text-right tabular-nums">{x.ks ? x.ks.d.toFixed(3) : "—"}</TableCell>
              <TableCell className="text-right tabular-nums">{x.ks ? (x.ks.p < 0.001 ? "< 0.001" : x.ks.p.toFixed(3)) : "—"}</TableCell>
              <TableCell className="text-right tabular-nums">{x.psi === null ? "—" : x.psi.toFixed(3)}</TableCell>
              <TableCell>{x.level ? <Badge variant={x.drifted ? "danger" : LEVEL[x.level]}>{x.drifted ? "drifted" : x.level}</Badge> : <span className="text-xs text-muted-foreground">too few requests</span>}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      {f && f.bins.length > 0 ? (
        <figure aria-label={`${f.label}: reference and current shares`} className="flex flex-col gap-1">
          <figcaption className="text-xs font-medium text-muted-foreground">{f.label}: share of requests per bin (%), reference vs the last hour</figcaption>
          <ResponsiveContainer width="100%" height={180}>
            <BarChart data={driftBars(f.bins)} margin={{ top: 4, right: 8, bottom: 0, left: 0 }}>
              <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" />
              <XAxis dataKey="bin" tick={axisTick} interval={0} />
              <YAxis tick={axisTick} width={32} unit="%" />
              <Tooltip />
              <Legend wrapperStyle={{ fontSize: 11 }} />
              <Bar dataKey="reference" fill="var(--chart-2)" isAnimationActive={false} />
              <Bar dataKey="current" fill="var(--chart-1)" isAnimationActive={false} />
            </BarChart>
          </ResponsiveContainer>
        </figure>
      ) : null}
    </div>
  );
}

function Settings({ org, serviceId, settings }: { org: string; serviceId: string; settings: TrafficSettings }) {
  const [state, action] = useActionState(saveTrafficSettingsAction.bind(null, org, serviceId), initialFormState);
  const field = formField(state);
  const v = state.values ?? {};
  const slo = settings.slo ?? {};
  return (
    <form action={action} className="grid gap-4 rounded-lg border p-4 sm:grid-cols-3" data-testid="traffic-settings">
      <h3 className="text-sm font-medium sm:col-span-3">SLO, sticky assignment and alerts</h3>
      <div className="sm:col-span-3"><FormError state={state} />{state.ok ? <p className="text-sm text-success" role="status">Saved.</p> : null}</div>
      {field("maxErrorRate", "Max error rate (%)", <Input id="maxErrorRate" name="maxErrorRate" type="number" step="0.1" min={0} max={100} defaultValue={v.maxErrorRate ?? (slo.maxErrorRate !== undefined ? String(+(slo.maxErrorRate * 100).toFixed(3)) : "")} placeholder="none set: 5 is used" />, "Rollouts and SLO alerts use these.")}
      {field("maxP95LatencyMs", "Max p95 latency (ms)", <Input id="maxP95LatencyMs" name="maxP95LatencyMs" type="number" min={1} defaultValue={v.maxP95LatencyMs ?? String(slo.maxP95LatencyMs ?? "")} />)}
      {field("maxP95TtftMs", "Max p95 time to first token (ms)", <Input id="maxP95TtftMs" name="maxP95TtftMs" type="number" min={1} defaultValue={v.maxP95TtftMs ?? String(slo.maxP95TtftMs ?? "")} />)}
      {field("stickyFrom", "Keep each user on one variant by", <Select id="stickyFrom" name="stickyFrom" defaultValue={v.stickyFrom ?? settings.sticky?.from ?? ""}><option value="">— (each request drawn anew)</option><option value="header">a request header</option><option value="field">a body field</option></Select>)}
      {field("stickyName", "Header or field name", <Input id="stickyName" name="stickyName" defaultValue={v.stickyName ?? settings.sticky?.name ?? ""} placeholder="x-user-id, or user (OpenAI's field)" />)}
      <div />
      <div className="sm:col-span-2">{field("alertWebhook", "Alert webhook (JSON POST)", <Input id="alertWebhook" name="alertWebhook" defaultValue={v.alertWebhook ?? settings.alertWebhook ?? ""} placeholder="https://hooks.example.com/anvil" />, settings.alertWebhook ? "Set; only its host is shown. Clear the field to remove it." : undefined)}</div>
      <div className="sm:col-span-3"><SubmitButton variant="outline" pendingText="Saving…">Save</SubmitButton></div>
    </form>
  );
}
