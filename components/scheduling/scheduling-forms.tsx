"use client";

import { useActionState } from "react";
import { saveBudgetAction, savePoolAction, saveQueueAction } from "@/app/(app)/[org]/settings/scheduling/actions";
import { FormError, SubmitButton } from "@/components/forms/form-parts";
import { Alert, AlertDescription } from "@/components/ui/alert";
import { Checkbox } from "@/components/ui/checkbox";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Select } from "@/components/ui/select";
import { initialFormState, type FormState } from "@/lib/form-state";

function Saved({ state }: { state: FormState }) {
  if (!state.ok || !state.result?.message) return null;
  return <Alert variant="success" role="status"><AlertDescription>{state.result.message}</AlertDescription></Alert>;
}

function Field({ id, label, hint, children }: { id: string; label: string; hint?: string; children: React.ReactNode }) {
  return (
    <div className="flex flex-col gap-1.5">
      <Label htmlFor={id}>{label}</Label>
      {children}
      {hint ? <p className="text-xs text-muted-foreground">{hint}</p> : null}
    </div>
  );
}

export interface PoolFormValues { id: string; name: string; gpuType: string | null; gpus: number; costPerGpuHour: number; executor: string | null; clusterId: string | null }

export function PoolForm({ org, pool, clusters }: { org: string; pool?: PoolFormValues; clusters: Array<{ id: string; name: string }> }) {
  const [state, action] = useActionState(savePoolAction.bind(null, org, pool?.id ?? null), initialFormState);
  const v = state.ok ? undefined : state.values;
  const prefix = pool ? `pool-${pool.id}` : "pool-new";
  const runsOn = pool ? (pool.clusterId ? `cluster:${pool.clusterId}` : pool.executor ?? "") : "";
  return (
    <form action={action} className="flex flex-col gap-3">
      <FormError state={state} />
      <Saved state={state} />
      <div className="grid gap-3 sm:grid-cols-5">
        <Field id={`${prefix}-name`} label="Name"><Input id={`${prefix}-name`} name="name" required placeholder="a100" defaultValue={v?.name ?? pool?.name} /></Field>
        <Field id={`${prefix}-type`} label="GPU type"><Input id={`${prefix}-type`} name="gpuType" placeholder="A100" defaultValue={v?.gpuType ?? pool?.gpuType ?? ""} /></Field>
        <Field id={`${prefix}-gpus`} label="GPUs"><Input id={`${prefix}-gpus`} name="gpus" type="number" min={1} required defaultValue={v?.gpus ?? pool?.gpus ?? 8} /></Field>
        <Field id={`${prefix}-cost`} label="$ per GPU-hour"><Input id={`${prefix}-cost`} name="costPerGpuHour" type="number" min={0} step="0.01" defaultValue={v?.costPerGpuHour ?? pool?.costPerGpuHour ?? 0} /></Field>
        <Field id={`${prefix}-runs-on`} label="Its GPUs are on">
          <Select id={`${prefix}-runs-on`} name="runsOn" defaultValue={v?.runsOn ?? runsOn}>
            <option value="">any executor</option>
            <option value="local">this machine</option>
            {clusters.map((c) => <option key={c.id} value={`cluster:${c.id}`}>cluster {c.name}</option>)}
          </Select>
        </Field>
      </div>
      <div><SubmitButton pendingText="Saving…">{pool ? "Save pool" : "Create pool"}</SubmitButton></div>
    </form>
  );
}

export interface QueueFormValues { id: string; name: string; cohort: string | null; weight: number; minRuntimeSeconds: number; isDefault: boolean; quotas: Array<{ pool: string; nominal: number; borrowingLimit: number | null }> }

export function QueueForm({ org, queue, pools }: { org: string; queue?: QueueFormValues; pools: string[] }) {
  const [state, action] = useActionState(saveQueueAction.bind(null, org, queue?.id ?? null, pools), initialFormState);
  const v = state.ok ? undefined : state.values;
  const prefix = queue ? `queue-${queue.id}` : "queue-new";
  return (
    <form action={action} className="flex flex-col gap-3">
      <FormError state={state} />
      <Saved state={state} />
      <div className="grid gap-3 sm:grid-cols-4">
        <Field id={`${prefix}-name`} label="Name"><Input id={`${prefix}-name`} name="name" required placeholder="research" defaultValue={v?.name ?? queue?.name} /></Field>
        <Field id={`${prefix}-cohort`} label="Cohort" hint="Queues of one cohort lend each other idle quota.">
          <Input id={`${prefix}-cohort`} name="cohort" placeholder="lab" defaultValue={v?.cohort ?? queue?.cohort ?? ""} />
        </Field>
        <Field id={`${prefix}-weight`} label="Weight" hint="Of two queues borrowing, the one with less per weight goes first.">
          <Input id={`${prefix}-weight`} name="weight" type="number" min={0.01} step="any" defaultValue={v?.weight ?? queue?.weight ?? 1} />
        </Field>
        <Field id={`${prefix}-min`} label="Minimum runtime (minutes)" hint="Jobs are not preempted before this.">
          <Input id={`${prefix}-min`} name="minRuntimeMinutes" type="number" min={0} step="any" defaultValue={v?.minRuntimeMinutes ?? (queue ? queue.minRuntimeSeconds / 60 : 0)} />
        </Field>
      </div>
      {pools.length === 0 ? <p className="text-sm text-muted-foreground">Create a pool first: a queue's quota is a number of GPUs in a pool.</p> : (
        <fieldset className="flex flex-col gap-2">
          <legend className="mb-1 text-sm font-medium">Quota per pool <span className="font-normal text-muted-foreground">(empty = none in that pool; borrowing limit empty = any idle GPUs of the cohort)</span></legend>
          {pools.map((pool, i) => {
            const quota = queue?.quotas.find((q) => q.pool === pool);
            return (
              <div key={pool} className="grid items-end gap-3 sm:grid-cols-3">
                <span className="font-mono text-sm">{pool}</span>
                <Field id={`${prefix}-nominal-${i}`} label={`Nominal GPUs in ${pool}`}>
                  <Input id={`${prefix}-nominal-${i}`} name={`nominal-${i}`} type="number" min={0} defaultValue={v?.[`nominal-${i}`] ?? quota?.nominal ?? ""} />
                </Field>
                <Field id={`${prefix}-limit-${i}`} label={`May borrow in ${pool}`}>
                  <Input id={`${prefix}-limit-${i}`} name={`limit-${i}`} type="number" min={0} defaultValue={v?.[`limit-${i}`] ?? quota?.borrowingLimit ?? ""} />
                </Field>
              </div>
            );
          })}
        </fieldset>
      )}
      <label className="flex items-center gap-2 text-sm">
        <Checkbox name="isDefault" defaultChecked={v ? v.isDefault === "on" : queue?.isDefault} />
        Default queue: GPU jobs submitted without a queue wait here
      </label>
      <div><SubmitButton pendingText="Saving…">{queue ? "Save queue" : "Create queue"}</SubmitButton></div>
    </form>
  );
}

export function BudgetForm({ org, monthlyLimit }: { org: string; monthlyLimit: number | null }) {
  const [state, action] = useActionState(saveBudgetAction.bind(null, org), initialFormState);
  return (
    <form action={action} className="flex flex-col gap-3">
      <FormError state={state} />
      <Saved state={state} />
      <div className="flex flex-col gap-3 sm:flex-row sm:items-end">
        <Field id="budget-limit" label="Monthly budget ($, calendar month UTC)" hint="Empty = no budget. When it is spent, GPU jobs are refused and queued ones wait; it warns from 80 %.">
          <Input id="budget-limit" name="monthlyLimit" type="number" min={0} step="0.01" defaultValue={state.ok ? (monthlyLimit ?? "") : (state.values?.monthlyLimit ?? monthlyLimit ?? "")} />
        </Field>
        <SubmitButton pendingText="Saving…">Save budget</SubmitButton>
      </div>
    </form>
  );
}
