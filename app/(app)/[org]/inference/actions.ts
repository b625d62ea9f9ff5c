"use server";

import { redirect } from "next/navigation";
import { formText as text, refusedFormState } from "@/server/api/form-actions";
import { serverApi } from "@/server/api/rsc";
import { createServiceSchema } from "@/server/inference/service-input";
import { fieldErrorsFrom, type FormState } from "@/lib/form-state";

const FIELDS = ["name", "backend", "protocol", "servedModel", "endpoints", "model", "replicas"];

export async function createServiceAction(org: string, _prev: FormState, form: FormData): Promise<FormState> {
  const values = Object.fromEntries(FIELDS.map((k) => [k, text(form, k)]));
  const [modelName, version] = values.model ? [values.model.slice(0, values.model.lastIndexOf("@")), Number(values.model.slice(values.model.lastIndexOf("@") + 1))] : [];
  const process = values.backend === "process";
  const parsed = createServiceSchema.safeParse({
    name: values.name, backend: process ? "process" : "vllm", protocol: values.protocol || undefined, servedModel: process ? undefined : values.servedModel,
    endpoints: process ? [] : values.endpoints.split(/\s+/).filter(Boolean), upstreamKey: text(form, "upstreamKey") || undefined,
    replicas: process ? Number(values.replicas || 1) : undefined,
    model: modelName ? { name: modelName, version } : undefined,
  });
  if (!parsed.success) return { fieldErrors: fieldErrorsFrom(parsed.error.issues.map((i) => ({ ...i, path: [String(i.path[0] ?? "_")] }))), values };
  let id: string;
  try {
    id = (await (await serverApi()).inference.create({ org, service: parsed.data })).id;
  } catch (err) {
    return refusedFormState(err, values);
  }
  redirect(`/${org}/inference/${id}`);
}

export async function deleteServiceAction(org: string, serviceId: string): Promise<void> {
  await (await serverApi()).inference.delete({ org, serviceId });
  redirect(`/${org}/inference/${serviceId}`);
}
