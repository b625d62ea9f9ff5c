"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { attempt, formText as text } from "@/server/api/form-actions";
import { serverApi } from "@/server/api/rsc";
import type { FormState } from "@/lib/form-state";

const modelPage = (org: string, name: string) => `/${org}/models/${encodeURIComponent(name)}`;

/** "Register" on a run's artifact: the version (and the model when new) → the model's page. */
export async function registerArtifactAction(org: string, runId: string, _prev: FormState, form: FormData): Promise<FormState> {
  const values = { name: text(form, "name"), artifactPath: text(form, "artifactPath") };
  let name = "";
  const state = await attempt(async () => {
    name = (await (await serverApi()).registry.register({ org, name: values.name, version: { runId, artifactPath: values.artifactPath } })).name;
    return { ok: true };
  }, values);
  if (!state.ok) return state;
  redirect(modelPage(org, name));
}

export async function setAliasAction(org: string, name: string, _prev: FormState, form: FormData): Promise<FormState> {
  const values = { alias: text(form, "alias"), version: text(form, "version") };
  return attempt(async () => {
    await (await serverApi()).registry.setAlias({ org, name, alias: values.alias, version: Number(values.version) });
    revalidatePath(modelPage(org, name));
    return { ok: true, result: { message: `${values.alias} → version ${values.version}` } };
  }, values);
}

export async function removeAliasAction(org: string, name: string, alias: string): Promise<void> {
  await (await serverApi()).registry.deleteAlias({ org, name, alias });
  redirect(modelPage(org, name));
}

export async function stageAction(org: string, name: string, version: number, form: FormData): Promise<void> {
  const stage = text(form, "stage") as "None" | "Staging" | "Production" | "Archived";
  await (await serverApi()).registry.transitionStage({ org, name, version, stage, archiveExisting: form.get("archiveExisting") === "on" });
  redirect(modelPage(org, name));
}
