"use client";

import { useActionState } from "react";
import Link from "next/link";
import { addVariantAction, removeVariantAction, setWeightsAction } from "@/app/(app)/[org]/inference/actions";
import { FormError, formField, SubmitButton } from "@/components/forms/form-parts";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Select } from "@/components/ui/select";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { Textarea } from "@/components/ui/textarea";
import { initialFormState } from "@/lib/form-state";
import type { variantTotals } from "./prepare-service";

interface VariantRow { name: string; weight: number; servedModel: string; model: { name: string; version: number } | null; desiredReplicas: number; replicas: { total: number; ready: number } }
type Totals = ReturnType<typeof variantTotals>;

const ms = (v: number | null) => (v === null ? "—" : `≤ ${v} ms`);

/** The variants with their share of traffic and last hour; editors set the split and add or remove variants. */
export function VariantsPanel({ org, serviceId, backend, variants, totals, versions, canEdit }: {
  org: string; serviceId: string; backend: string; variants: VariantRow[]; totals: Totals; versions: string[]; canEdit: boolean;
}) {
  const [weightState, setWeights] = useActionState(setWeightsAction.bind(null, org, serviceId), initialFormState);
  const sum = Math.max(1, variants.reduce((a, v) => a + v.weight, 0));
  return (
    <div className="flex flex-col gap-4">
      <form action={setWeights} className="flex flex-col gap-3">
        <FormError state={weightState} />
        <div className="overflow-x-auto rounded-lg border">
          <Table data-testid="variants">
            <TableHeader><TableRow>
              <TableHead>Variant</TableHead><TableHead>Serves</TableHead><TableHead className="text-right">Weight</TableHead><TableHead className="text-right">Share</TableHead><TableHead className="text-right">Replicas ready</TableHead>
              <TableHead className="text-right">Requests (1 h)</TableHead><TableHead className="text-right">Errors</TableHead><TableHead className="text-right">p95 latency</TableHead><TableHead className="text-right">p95 first token</TableHead><TableHead />
            </TableRow></TableHeader>
            <TableBody>
              {totals.map((t) => {
                const v = variants.find((x) => x.name === t.variant);
                return (
                  <TableRow key={t.variant} data-testid="variant-row" className={v ? undefined : "text-muted-foreground"}>
                    <TableCell className="font-medium">{t.variant}{v ? null : <span className="text-xs"> (removed)</span>}</TableCell>
                    <TableCell className="text-sm">{v ? <>{v.servedModel}{v.model ? <> · <Link className="text-primary hover:underline" href={`/${org}/models/${encodeURIComponent(v.model.name)}`}>{v.model.name} v{v.model.version}</Link></> : null}</> : "—"}</TableCell>
                    <TableCell className="text-right">{v ? (canEdit ? <Input aria-label={`Weight of ${v.name}`} name={`weight:${v.name}`} type="number" min={0} max={10000} defaultValue={v.weight} className="ml-auto h-8 w-20 text-right" /> : v.weight) : "—"}</TableCell>
                    <TableCell className="text-right tabular-nums" data-testid="variant-share">{v ? `${Math.round((100 * v.weight) / sum)} %` : "—"}</TableCell>
                    <TableCell className="text-right tabular-nums">{v ? `${v.replicas.ready} of ${backend === "vllm" ? v.replicas.total : v.desiredReplicas}` : "—"}</TableCell>
                    <TableCell className="text-right tabular-nums" data-testid="variant-requests">{t.requests}</TableCell>
                    <TableCell className="text-right tabular-nums">{t.errorRate === null ? "—" : `${(100 * t.errorRate).toFixed(1)} %`}</TableCell>
                    <TableCell className="text-right tabular-nums">{ms(t.latencyP95)}</TableCell>
                    <TableCell className="text-right tabular-nums">{ms(t.ttftP95)}</TableCell>
                    <TableCell className="text-right">{v && canEdit && variants.length > 1 ? <Button type="button" variant="ghost" size="sm" onClick={() => void removeVariantAction(org, serviceId, v.name)}>Remove</Button> : null}</TableCell>
                  </TableRow>
                );
              })}
            </TableBody>
          </Table>
        </div>
        {canEdit && variants.length > 1 ? <div><SubmitButton variant="outline" pendingText="Applying…">Apply split</SubmitButton></div> : null}
      </form>
      {canEdit ? <AddVariant org={org} serviceId={serviceId} backend={backend} versions={versions} /> : null}
    </div>
  );
}

function AddVariant({ org, serviceId, backend, versions }: { org: string; serviceId: string; backend: string; versions: string[] }) {
  const [state, action] = useActionState(addVariantAction.bind(null, org, serviceId, backend), initialFormState);
  const v = state.values ?? {};
  const field = formField(state);
  return (
    <details className="rounded-lg border p-4" open={Boolean(state.error || state.fieldErrors)}>
      <summary className="cursor-pointer text-sm font-medium">Add a variant (A/B test or canary)</summary>
      <form action={action} className="mt-4 grid gap-4 sm:grid-cols-3">
        <div className="sm:col-span-3"><FormError state={state} /></div>
        {field("variantName", "Name", <Input id="variantName" name="variantName" required defaultValue={v.variantName ?? "candidate"} />)}
        {field("weight", "Weight", <Input id="weight" name="weight" type="number" min={0} max={10000} defaultValue={v.weight ?? "10"} />, "Its share is its weight over the sum of all weights.")}
        {backend === "vllm" ? (
          <>
            {field("servedModel", "Served model name", <Input id="servedModel" name="servedModel" required defaultValue={v.servedModel ?? ""} />)}
            <div className="sm:col-span-3">{field("endpoints", "Endpoints (one per line)", <Textarea id="endpoints" name="endpoints" rows={2} required className="font-mono text-sm" defaultValue={v.endpoints ?? ""} />)}</div>
          </>
        ) : backend === "process" ? (
          <>
            {field("model", "Registered version", <Select id="model" name="model" defaultValue={v.model ?? versions[0] ?? ""}>{versions.map((x) => <option key={x} value={x}>{x}</option>)}</Select>)}
            {field("replicas", "Replicas", <Input id="replicas" name="replicas" type="number" min={1} max={8} defaultValue={v.replicas ?? "1"} />)}
          </>
        ) : (
          <>
            {field("source", "Model (--model)", <Input id="source" name="source" required defaultValue={v.source ?? ""} />)}
            {field("replicas", "Replicas", <Input id="replicas" name="replicas" type="number" min={1} max={8} defaultValue={v.replicas ?? "1"} />)}
            {field("gpus", "GPUs per replica", <Input id="gpus" name="gpus" type="number" min={0} max={16} defaultValue={v.gpus ?? "1"} />)}
          </>
        )}
        <div className="sm:col-span-3"><SubmitButton pendingText="Adding…">Add variant</SubmitButton></div>
      </form>
    </details>
  );
}
