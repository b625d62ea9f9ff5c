"use server";

import { TRPCError } from "@trpc/server";
import { redirect } from "next/navigation";
import { formText as text, refusedFormState } from "@/server/api/form-actions";
import { serverApi } from "@/server/api/rsc";
import { submitJobSchema } from "@/server/training/job-input";
import { fieldErrorsFrom, type FormState } from "@/lib/form-state";
import { parseHyperparameters } from "@/lib/hyperparameters";

const num = (form: FormData, key: string, fallback: number) => (text(form, key) === "" ? fallback : Number(text(form, key)));

/** Create-job form → training.submit (the procedure does the permission check) → the job page. */
export async function submitJobAction(org: string, _prev: FormState, form: FormData): Promise<FormState> {
  const values = Object.fromEntries(["name", "projectId", "template", "command", "hyperparameters", "gpuType", "gpuCount", "cpu", "memoryGb"].map((k) => [k, text(form, k)]));
  const hyper = parseHyperparameters(values.hyperparameters);
  if (!hyper.ok) return { fieldErrors: { hyperparameters: hyper.error }, values };
  const parsed = submitJobSchema.safeParse({
    name: values.name, projectId: values.projectId || undefined,
    template: values.template && values.template !== "custom" ? values.template : undefined,
    command: values.template === "custom" ? values.command : undefined,
    hyperparameters: hyper.value,
    resources: { gpuType: values.gpuType || undefined, gpuCount: num(form, "gpuCount", 0), cpu: num(form, "cpu", 1), memoryGb: num(form, "memoryGb", 2) },
  });
  if (!parsed.success) return { fieldErrors: fieldErrorsFrom(parsed.error.issues.map((i) => ({ ...i, path: [String(i.path.at(-1) ?? "_")] }))), values };
  let runId: string;
  try {
    const api = await serverApi();
    runId = (await api.training.submit({ org, job: parsed.data })).id;
  } catch (err) {
    return refusedFormState(err, values);
  }
  redirect(`/${org}/training/${runId}`);
}

export async function cancelJobAction(org: string, runId: string): Promise<void> {
  const api = await serverApi();
  try {
    await api.training.cancel({ org, runId });
  } catch (err) {
    // Already finished: nothing to stop; the page shows the final status.
    if (!(err instanceof TRPCError && err.code === "CONFLICT")) throw err;
  }
  redirect(`/${org}/training/${runId}`);
}

export async function deleteRunAction(org: string, runId: string): Promise<void> {
  await (await serverApi()).runs.delete({ org, runId });
  redirect(`/${org}/training/${runId}`);
}

export async function restoreRunAction(org: string, runId: string): Promise<void> {
  await (await serverApi()).runs.restore({ org, runId });
  redirect(`/${org}/training/${runId}`);
}
