"use client";

import { useActionState, useState } from "react";
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { saveAutoscalingAction } from "@/app/(app)/[org]/inference/traffic-actions";
import { FormError, formField, SubmitButton } from "@/components/forms/form-parts";
import { Badge } from "@/components/ui/badge";
import { Input } from "@/components/ui/input";
import { Select } from "@/components/ui/select";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { formatDateTime } from "@/lib/format-time";
import { initialFormState } from "@/lib/form-state";
import { scalingSeries } from "./prepare-traffic";

interface Policy { minReplicas: number; maxReplicas: number; metric: string; target: number; scaleUpWindowSeconds: number; scaleDownWindowSeconds: number }
export interface ScalingEventView { id: number; at: Date | string; variant: string; metric: string; value: number | null; target: number; current: number; recommended: number; desired: number; applied: boolean; reason: string }

const COLORS = ["var(--chart-1)", "var(--chart-2)", "var(--chart-3)", "var(--chart-4)"];
const axisTick = { fill: "var(--muted-foreground)", fontSize: 12 };
const METRICS: Record<string, string> = { concurrency: "Requests in flight per replica (running + waiting)", queue: "Queue depth per replica (waiting)", kv_cache: "KV-cache usage (0–1)", ttft: "p95 time to first token (ms)" };

/** The policy, the replicas each variant had over time, and every decision with its reason. */
export function ScalingPanel({ org, serviceId, backend, policy, events, now, canEdit }: { org: string; serviceId: string; backend: string; policy: Policy | null; events: ScalingEventView[]; now: number; canEdit: boolean }) {
  const [state, action] = useActionState(saveAutoscalingAction.bind(null, org, serviceId), initialFormState);
  const [enabled, setEnabled] = useState(policy !== null);
  const field = formField(state);
  const v = state.values ?? {};
  const series = scalingSeries(events, now);
  if (backend === "vllm") return <p className="text-sm text-muted-foreground">Anvil cannot scale endpoints it does not run. Autoscaling works for services Anvil runs: the process and kubernetes backends.</p>;
  return (
    <div className="flex flex-col gap-6">
      {series.rows.length > 0 ? (
        <figure aria-label="Replicas over time" className="flex flex-col gap-1" data-testid="scaling-chart">
          <figcaption className="text-xs font-medium text-muted-foreground">Replicas over time</figcaption>
          <ResponsiveContainer width="100%" height={200}>
            <LineChart data={series.rows} margin={{ top: 4, right: 8, bottom: 0, left: 0 }}>
              <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" />
              <XAxis dataKey="t" type="number" domain={["dataMin", "dataMax"]} scale="time" tick={axisTick} tickFormatter={(t: number) => new Date(t).toLocaleTimeString()} />
              <YAxis tick={axisTick} width={32} allowDecimals={false} />
              <Tooltip labelFormatter={(t) => new Date(Number(t)).toLocaleTimeString()} />
              <Legend wrapperStyle={{ fontSize: 11 }} />
              {series.variants.map((name, i) => <Line key={name} type="stepAfter" dataKey={name} stroke={COLORS[i % COLORS.length]} strokeWidth={2} dot={false} isAnimationActive={false} connectNulls />)}
            </LineChart>
          </ResponsiveContainer>
        </figure>
      ) : <p className="text-sm text-muted-foreground">{policy ? "No scaling decision yet: the load has stayed within 10 % of the target." : "Autoscaling is off: the replicas stay as set. Turn it on below."}</p>}
      {events.length > 0 ? (
        <div className="overflow-x-auto rounded-lg border">
          <Table data-testid="scaling-events">
            <TableHeader><TableRow><TableHead>When</TableHead><TableHead>Variant</TableHead><TableHead>Decision</TableHead><TableHead>Why</TableHead></TableRow></TableHeader>
            <TableBody>
              {events.slice(0, 30).map((e) => (
                <TableRow key={e.id}>
                  <TableCell className="text-xs text-muted-foreground">{formatDateTime(new Date(e.at))}</TableCell>
                  <TableCell className="text-sm">{e.variant}</TableCell>
                  <TableCell><Badge variant={e.applied ? "info" : "neutral"}>{e.applied ? `${e.current} → ${e.desired}` : `held at ${e.current}`}</Badge></TableCell>
                  <TableCell className="text-sm">{e.reason}</TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </div>
      ) : null}
      {canEdit ? (
        <form action={action} className="grid gap-4 rounded-lg border p-4 sm:grid-cols-3" data-testid="autoscaling-form">
          <label className="flex items-center gap-2 text-sm font-medium sm:col-span-3"><input type="checkbox" name="enabled" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} className="size-4" />Scale the replicas on load</label>
          <div className="sm:col-span-3"><FormError state={state} /></div>
          {enabled ? <>
            {field("metric", "Signal (from vLLM's /metrics)", <Select id="metric" name="metric" defaultValue={v.metric ?? policy?.metric ?? "concurrency"}>{Object.entries(METRICS).map(([k, l]) => <option key={k} value={k}>{l}</option>)}</Select>)}
            {field("target", "Target per replica", <Input id="target" name="target" type="number" step="any" min={0} defaultValue={v.target ?? String(policy?.target ?? 4)} />, "desired = ⌈replicas × signal / target⌉, ±10 % tolerated.")}
            <div />
            {field("minReplicas", "Min replicas", <Input id="minReplicas" name="minReplicas" type="number" min={1} max={8} defaultValue={v.minReplicas ?? String(policy?.minReplicas ?? 1)} />)}
            {field("maxReplicas", "Max replicas", <Input id="maxReplicas" name="maxReplicas" type="number" min={1} max={8} defaultValue={v.maxReplicas ?? String(policy?.maxReplicas ?? 2)} />)}
            <div />
            {field("scaleUpWindowSeconds", "Scale-up window (s)", <Input id="scaleUpWindowSeconds" name="scaleUpWindowSeconds" type="number" min={0} defaultValue={v.scaleUpWindowSeconds ?? String(policy?.scaleUpWindowSeconds ?? 0)} />, "Up only as far as every recommendation in it agrees.")}
            {field("scaleDownWindowSeconds", "Scale-down window (s)", <Input id="scaleDownWindowSeconds" name="scaleDownWindowSeconds" type="number" min={0} defaultValue={v.scaleDownWindowSeconds ?? String(policy?.scaleDownWindowSeconds ?? 300)} />, "Down only when the whole window asked for fewer.")}
          </> : null}
          <div className="sm:col-span-3"><SubmitButton variant="outline" pendingText="Saving…">Save</SubmitButton></div>
        </form>
      ) : null}
    </div>
  );
}
