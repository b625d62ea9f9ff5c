"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { formText as text, refusedFormState } from "@/server/api/form-actions";
import { serverApi } from "@/server/api/rsc";
import { createServiceSchema, variantSchema } from "@/server/inference/service-input";
import { fieldErrorsFrom, type FormState } from "@/lib/form-state";

const FIELDS = ["name", "backend", "protocol", "servedModel", "endpoints", "model", "replicas", "cluster", "source", "image", "gpus"];

const modelRef = (value: string) => (value ? { name: value.slice(0, value.lastIndexOf("@")), version: Number(value.slice(value.lastIndexOf("@") + 1)) } : undefined);

/** The backend-specific fields of a variant, as a form gives them. */
function variantFields(backend: string, values: Record<string, string>, form: FormData) {
  return {
    servedModel: backend === "vllm" ? values.servedModel : values.servedModel || undefined,
    endpoints: backend === "vllm" ? values.endpoints.split(/\s+/).filter(Boolean) : [],
    upstreamKey: text(form, "upstreamKey") || undefined,
    replicas: backend === "vllm" ? undefined : Number(values.replicas || 1),
    model: modelRef(values.model),
    ...(backend === "kubernetes" ? { source: values.source || undefined, image: values.image || undefined, gpus: Number(values.gpus || 1) } : {}),
  };
}

export async function createServiceAction(org: string, _prev: FormState, form: FormData): Promise<FormState> {
  const values = Object.fromEntries(FIELDS.map((k) => [k, text(form, k)]));
  const backend = ["process", "kubernetes"].includes(values.backend) ? values.backend : "vllm";
  const parsed = createServiceSchema.safeParse({
    name: values.name, backend, protocol: values.protocol || undefined, cluster: values.cluster || undefined, ...variantFields(backend, values, form),
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

const VARIANT_FIELDS = ["variantName", "weight", ...FIELDS];

export async function addVariantAction(org: string, serviceId: string, backend: string, _prev: FormState, form: FormData): Promise<FormState> {
  const values = Object.fromEntries(VARIANT_FIELDS.map((k) => [k, text(form, k)]));
  const parsed = variantSchema.safeParse({ name: values.variantName, weight: Number(values.weight || 0), ...variantFields(backend, values, form) });
  if (!parsed.success) return { fieldErrors: fieldErrorsFrom(parsed.error.issues.map((i) => ({ ...i, path: [i.path[0] === "name" ? "variantName" : String(i.path[0] ?? "_")] }))), values };
  try {
    await (await serverApi()).inference.addVariant({ org, serviceId, variant: parsed.data });
  } catch (err) {
    return refusedFormState(err, values);
  }
  revalidatePath(`/${org}/inference/${serviceId}`);
  return { ok: true };
}

/** The split as typed: one weight field per variant (`weight:<name>`). */
export async function setWeightsAction(org: string, serviceId: string, _prev: FormState, form: FormData): Promise<FormState> {
  const weights = Object.fromEntries([...form.keys()].filter((k) => k.startsWith("weight:")).map((k) => [k.slice(7), Number(text(form, k))]));
  try {
    await (await serverApi()).inference.update({ org, serviceId, service: { weights } });
  } catch (err) {
    return refusedFormState(err);
  }
  revalidatePath(`/${org}/inference/${serviceId}`);
  return { ok: true };
}

export async function removeVariantAction(org: string, serviceId: string, variant: string): Promise<void> {
  await (await serverApi()).inference.removeVariant({ org, serviceId, variant });
  revalidatePath(`/${org}/inference/${serviceId}`);
}
