"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { attempt, backWithError, formText as text } from "@/server/api/form-actions";
import { serverApi } from "@/server/api/rsc";
import type { FormState } from "@/lib/form-state";

const page = (org: string) => `/${org}/settings/scheduling`;
const num = (v: string) => (v === "" ? undefined : Number(v));


export async function savePoolAction(org: string, poolId: string | null, _prev: FormState, form: FormData): Promise<FormState> {
  const values = Object.fromEntries(["name", "gpuType", "gpus", "costPerGpuHour", "runsOn"].map((k) => [k, text(form, k)]));
  return attempt(async () => {
    const runsOn = values.runsOn;
    const pool = {
      name: values.name, gpuType: values.gpuType || undefined, gpus: num(values.gpus) as number, costPerGpuHour: num(values.costPerGpuHour) ?? 0,
      ...(runsOn === "local" ? { executor: "local" as const } : runsOn.startsWith("cluster:") ? { clusterId: runsOn.slice(8) } : {}),
    };
    const api = await serverApi();
    if (poolId) await api.scheduling.updatePool({ org, poolId, pool });
    else await api.scheduling.createPool({ org, pool });
    revalidatePath(page(org));
    return { ok: true, result: { message: `Pool “${values.name}” saved.` } };
  }, values);
}

export async function saveQueueAction(org: string, queueId: string | null, poolNames: string[], _prev: FormState, form: FormData): Promise<FormState> {
  const values = Object.fromEntries([...form.keys()].filter((k) => !k.startsWith("$")).map((k) => [k, text(form, k)]));
  return attempt(async () => {
    const quotas = poolNames.flatMap((pool, i) => {
      const nominal = values[`nominal-${i}`];
      if (nominal === "" || nominal === undefined) return [];
      const limit = values[`limit-${i}`];
      return [{ pool, nominal: Number(nominal), borrowingLimit: limit === "" || limit === undefined ? null : Number(limit) }];
    });
    const queue = {
      name: values.name ?? "", cohort: values.cohort || undefined, weight: values.weight ? Number(values.weight) : 1, minRuntimeSeconds: Math.round(Number(values.minRuntimeMinutes || 0) * 60),
      isDefault: values.isDefault === "on", quotas,
    };
    const api = await serverApi();
    if (queueId) await api.scheduling.updateQueue({ org, queueId, queue });
    else await api.scheduling.createQueue({ org, queue });
    revalidatePath(page(org));
    return { ok: true, result: { message: `Queue “${queue.name}” saved.` } };
  }, values);
}

export async function saveBudgetAction(org: string, _prev: FormState, form: FormData): Promise<FormState> {
  const values = { monthlyLimit: text(form, "monthlyLimit") };
  return attempt(async () => {
    await (await serverApi()).scheduling.setBudget({ org, monthlyLimit: values.monthlyLimit === "" ? null : Number(values.monthlyLimit) });
    revalidatePath(page(org));
    return { ok: true, result: { message: values.monthlyLimit === "" ? "Budget removed." : "Budget saved." } };
  }, values);
}

export async function deletePoolAction(org: string, poolId: string): Promise<void> {
  await (await serverApi()).scheduling.deletePool({ org, poolId }).catch((e) => backWithError(page(org), e));
  redirect(page(org));
}

export async function deleteQueueAction(org: string, queueId: string): Promise<void> {
  await (await serverApi()).scheduling.deleteQueue({ org, queueId }).catch((e) => backWithError(page(org), e));
  redirect(page(org));
}

