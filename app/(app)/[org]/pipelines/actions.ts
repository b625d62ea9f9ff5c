"use server";

import { TRPCError } from "@trpc/server";
import { redirect } from "next/navigation";
import { formText as text, refusedFormState } from "@/server/api/form-actions";
import { serverApi } from "@/server/api/rsc";
import { createTaskSchema } from "@/server/pipelines/task-input";
import { fieldErrorsFrom, type FormState } from "@/lib/form-state";
import { parseHyperparameters } from "@/lib/hyperparameters";

const FIELDS = ["name", "mode", "modelName", "datasetId", "validationDatasetId", "testDatasetId", "maxIterations", "performanceThreshold", "hyperparameters", "start", "services.optimize", "services.train", "services.evaluate"];

/** New-task form → pipelines.create (and start) → the task's page. */
export async function createTaskAction(org: string, _prev: FormState, form: FormData): Promise<FormState> {
  const values = Object.fromEntries(FIELDS.map((k) => [k, text(form, k)]));
  const hyper = parseHyperparameters(values.hyperparameters);
  if (!hyper.ok) return { fieldErrors: { hyperparameters: hyper.error }, values };
  const number = (s: string) => (s === "" ? undefined : Number(s));
  const parsed = createTaskSchema.safeParse({
    name: values.name, mode: values.mode, modelName: values.modelName, datasetId: values.datasetId || undefined,
    validationDatasetId: values.validationDatasetId || undefined, testDatasetId: values.testDatasetId || undefined,
    maxIterations: values.mode === "STANDARD" ? 1 : number(values.maxIterations), performanceThreshold: number(values.performanceThreshold), hyperparameters: hyper.value,
    services: { optimize: values["services.optimize"] || undefined, train: values["services.train"] || undefined, evaluate: values["services.evaluate"] || undefined },
    serviceToken: text(form, "serviceToken") || undefined,
  });
  if (!parsed.success) return { fieldErrors: fieldErrorsFrom(parsed.error.issues.map((i) => ({ ...i, path: [i.path[0] === "services" ? `services.${String(i.path[1])}` : String(i.path[0] ?? "_")] }))), values };
  let id: string;
  try {
    id = (await (await serverApi()).pipelines.create({ org, task: parsed.data, start: values.start === "on" })).id;
  } catch (err) {
    return refusedFormState(err, values);
  }
  redirect(`/${org}/pipelines/${id}`);
}

/** Start, suspend, resume or cancel; a task that moved meanwhile just shows as it is now. */
export async function taskAction(org: string, taskId: string, action: "start" | "suspend" | "resume" | "cancel"): Promise<void> {
  try {
    await (await serverApi()).pipelines[action]({ org, taskId });
  } catch (err) {
    if (!(err instanceof TRPCError && err.code === "CONFLICT")) throw err;
  }
  redirect(`/${org}/pipelines/${taskId}`);
}
