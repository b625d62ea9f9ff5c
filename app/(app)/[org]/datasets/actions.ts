"use server";

import { revalidatePath } from "next/cache";
import { formText, refusedFormState } from "@/server/api/form-actions";
import { serverApi } from "@/server/api/rsc";
import type { FormState } from "@/lib/form-state";

/** Saves the dataset's rules (JSON from the editor) and checks them on its latest version. */
export async function saveRulesAction(org: string, datasetId: string, _prev: FormState, form: FormData): Promise<FormState> {
  const values = { rules: formText(form, "rules") };
  let rules: unknown;
  try {
    rules = JSON.parse(values.rules || "[]");
  } catch {
    return { error: "The rules are not valid JSON", values };
  }
  try {
    const report = await (await serverApi()).datasets.setRules({ org, datasetId, rules: rules as never });
    revalidatePath(`/${org}/datasets/${datasetId}`);
    const failed = (report ?? []).filter((r) => !r.passed).length;
    return { ok: true, result: { message: report === null ? "Rules saved; they are checked on the first version." : failed === 0 ? "Rules saved: the latest version meets all of them." : `Rules saved: the latest version breaks ${failed} of them.` } };
  } catch (err) {
    return refusedFormState(err, values);
  }
}
