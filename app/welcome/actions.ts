"use server";

import { redirect } from "next/navigation";
import { formText, refusedFormState } from "@/server/api/form-actions";
import { serverApi } from "@/server/api/rsc";
import type { FormState } from "@/lib/form-state";

export async function createOrgAction(_prev: FormState, form: FormData): Promise<FormState> {
  const name = formText(form, "name");
  let slug: string;
  try {
    slug = (await (await serverApi()).organizations.create({ name })).slug;
  } catch (err) {
    return refusedFormState(err, { name });
  }
  redirect(`/${slug}/dashboard`);
}
