/** What a server action returns to its form (useActionState). */
export interface FormState {
  error?: string;
  fieldErrors?: Record<string, string>;
  /** Field values to put back after a failed submit, so nothing typed is lost. */
  values?: Record<string, string>;
  /** One-time payload to show after success (e.g. a new API key). */
  result?: Record<string, string>;
  ok?: boolean;
}

export const initialFormState: FormState = {};

/** Turns zod issues into `{ field: message }`, first message per field. */
export function fieldErrorsFrom(issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of issues) {
    const key = issue.path.map(String).join(".") || "_";
    out[key] ??= issue.message;
  }
  return out;
}
