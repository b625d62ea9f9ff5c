import { TRPCError } from "@trpc/server";
import { redirect } from "next/navigation";
import type { FormState } from "@/lib/form-state";

/** A trimmed text field of a submitted form ("" when absent). */
export function formText(form: FormData, key: string): string {
  return String(form.get(key) ?? "").trim();
}

/**
 * What a server action returns when its procedure refused the input: the first validation
 * message or the domain error's message, with the typed values kept. Unexpected errors rethrow.
 */
export function refusedFormState(err: unknown, values?: Record<string, string>): FormState {
  if (err instanceof TRPCError && err.code !== "INTERNAL_SERVER_ERROR") {
    const issues = (err.cause as { issues?: Array<{ message: string }> } | undefined)?.issues;
    return { error: issues?.[0]?.message ?? err.message, values };
  }
  throw err;
}

/** Runs a form's procedure; a refusal becomes the form's message with the typed values kept. */
export async function attempt(run: () => Promise<FormState>, values?: Record<string, string>): Promise<FormState> {
  try {
    return await run();
  } catch (err) {
    return refusedFormState(err, values);
  }
}

/** Buttons without a form state: a refused action goes back to the page with the reason shown. */
export function backWithError(path: string, err: unknown): never {
  if (err instanceof TRPCError && err.code !== "INTERNAL_SERVER_ERROR") redirect(`${path}?error=${encodeURIComponent(err.message)}`);
  throw err;
}
