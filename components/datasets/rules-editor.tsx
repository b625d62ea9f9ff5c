"use client";

import { startTransition, useActionState, useState } from "react";
import { Plus, Trash2 } from "lucide-react";
import { saveRulesAction } from "@/app/(app)/[org]/datasets/actions";
import { FormError, SubmitButton } from "@/components/forms/form-parts";
import { Alert, AlertDescription } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Select } from "@/components/ui/select";
import { initialFormState } from "@/lib/form-state";

type Kind = "not_null" | "range" | "allowed" | "unique";
interface Draft { column: string; kind: Kind; min: string; max: string; values: string }
const KINDS: Array<[Kind, string]> = [["not_null", "is never empty"], ["range", "is within a range"], ["allowed", "is one of"], ["unique", "is unique"]];

function toRule(d: Draft) {
  if (d.kind === "range") return { kind: d.kind, column: d.column, ...(d.min !== "" ? { min: Number(d.min) } : {}), ...(d.max !== "" ? { max: Number(d.max) } : {}) };
  if (d.kind === "allowed") return { kind: d.kind, column: d.column, values: d.values.split(",").map((v) => v.trim()).filter(Boolean) };
  return { kind: d.kind, column: d.column };
}

function fromRule(r: { kind: Kind; column: string; min?: number; max?: number; values?: string[] }): Draft {
  return { column: r.column, kind: r.kind, min: r.min?.toString() ?? "", max: r.max?.toString() ?? "", values: r.values?.join(", ") ?? "" };
}

/** Expectations per column, edited as rows; saving checks them on the latest version at once. */
export function RulesEditor({ org, datasetId, columns, rules }: { org: string; datasetId: string; columns: string[]; rules: Array<Parameters<typeof fromRule>[0]> }) {
  const [state, action, saving] = useActionState(saveRulesAction.bind(null, org, datasetId), initialFormState);
  const [drafts, setDrafts] = useState<Draft[]>(rules.map(fromRule));
  const set = (i: number, patch: Partial<Draft>) => setDrafts((ds) => ds.map((d, j) => (j === i ? { ...d, ...patch } : d)));
  return (
    // Submitted by hand: React resets a form after its action, which would show the controlled
    // selects at their first option while the rules stay as edited.
    <form className="flex flex-col gap-3" data-testid="rules-editor" onSubmit={(e) => {
      e.preventDefault();
      const data = new FormData(e.currentTarget);
      startTransition(() => action(data));
    }}>
      <FormError state={state} />
      {state.ok && state.result?.message ? <Alert variant="success"><AlertDescription>{state.result.message}</AlertDescription></Alert> : null}
      <input type="hidden" name="rules" value={JSON.stringify(drafts.map(toRule))} />
      {drafts.length === 0 ? <p className="text-sm text-muted-foreground">No rules yet: add one, e.g. “label is one of setosa, versicolor, virginica”.</p> : null}
      {drafts.map((d, i) => (
        <div key={i} className="flex flex-wrap items-center gap-2" data-testid="rule-row">
          <Select aria-label="Column" value={d.column} onChange={(e) => set(i, { column: e.target.value })} className="w-44">
            {columns.map((c) => <option key={c} value={c}>{c}</option>)}
          </Select>
          <Select aria-label="Rule" value={d.kind} onChange={(e) => set(i, { kind: e.target.value as Kind })} className="w-44">
            {KINDS.map(([k, label]) => <option key={k} value={k}>{label}</option>)}
          </Select>
          {d.kind === "range" ? (
            <>
              <Input aria-label="Minimum" className="w-24" type="number" step="any" placeholder="min" value={d.min} onChange={(e) => set(i, { min: e.target.value })} />
              <Input aria-label="Maximum" className="w-24" type="number" step="any" placeholder="max" value={d.max} onChange={(e) => set(i, { max: e.target.value })} />
            </>
          ) : null}
          {d.kind === "allowed" ? <Input aria-label="Allowed values" className="w-72" placeholder="a, b, c" value={d.values} onChange={(e) => set(i, { values: e.target.value })} /> : null}
          <Button type="button" variant="ghost" size="icon" aria-label="Remove rule" onClick={() => setDrafts((ds) => ds.filter((_, j) => j !== i))}><Trash2 className="size-4" aria-hidden /></Button>
        </div>
      ))}
      <div className="flex gap-2">
        <Button type="button" variant="outline" onClick={() => setDrafts((ds) => [...ds, { column: columns[0] ?? "", kind: "not_null", min: "", max: "", values: "" }])}><Plus className="size-4" aria-hidden />Add rule</Button>
        <SubmitButton pendingText="Checking…" busy={saving}>Save and check</SubmitButton>
      </div>
    </form>
  );
}
