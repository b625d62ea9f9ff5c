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
const FIELDS = ["name", "projectId", "template", "command", "hyperparameters", "gpuType", "gpuCount", "cpu", "memoryGb", "target",
  "workers", "gpusPerWorker", "cpusPerWorker", "memoryGbPerWorker", "pip", "workingDir", "env", "resumeRunId", "resumePath", "queue", "priority"];

export async function submitJobAction(org: string, _prev: FormState, form: FormData): Promise<FormState> {
  const values = Object.fromEntries(FIELDS.map((k) => [k, text(form, k)]));
  const hyper = parseHyperparameters(values.hyperparameters);
  if (!hyper.ok) return { fieldErrors: { hyperparameters: hyper.error }, values };
  const clusterId = values.target && values.target !== "local" ? values.target : undefined;
  const env = parseEnvLines(values.env);
  if (!env.ok) return { fieldErrors: { env: env.error }, values };
  const parsed = submitJobSchema.safeParse({
    name: values.name, projectId: values.projectId || undefined,
    template: values.template && values.template !== "custom" ? values.template : undefined,
    command: values.template === "custom" ? values.command : undefined,
    hyperparameters: hyper.value,
    resources: { gpuType: values.gpuType || undefined, gpuCount: num(form, "gpuCount", 0), cpu: num(form, "cpu", 1), memoryGb: num(form, "memoryGb", 2) },
    clusterId,
    queue: values.queue || undefined, priority: num(form, "priority", 0),
    distributed: clusterId && num(form, "workers", 0) > 0 ? {
      workers: num(form, "workers", 1), gpusPerWorker: num(form, "gpusPerWorker", 0), cpusPerWorker: num(form, "cpusPerWorker", 1), memoryGbPerWorker: num(form, "memoryGbPerWorker", 4),
    } : undefined,
    runtimeEnv: clusterId ? { env: env.value, pip: values.pip.split(/\r?\n/).map((l) => l.trim()).filter(Boolean), workingDir: values.workingDir || undefined } : undefined,
    resumeFrom: values.resumeRunId && values.resumePath ? { runId: values.resumeRunId, path: values.resumePath } : undefined,
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

/** `NAME=value` per line, as in a .env file. */
function parseEnvLines(textValue: string): { ok: true; value: Record<string, string> } | { ok: false; error: string } {
  const value: Record<string, string> = {};
  const lines = textValue.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (!line || line.startsWith("#")) continue;
    const eq = line.indexOf("=");
    if (eq <= 0) return { ok: false, error: `Line ${i + 1}: write NAME=value` };
    value[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  }
  return { ok: true, value };
}

export async function rerunJobAction(org: string, runId: string): Promise<void> {
  const { id } = await (await serverApi()).training.rerun({ org, runId });
  redirect(`/${org}/training/${id}`);
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
