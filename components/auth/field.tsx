import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { FieldError } from "@/components/forms/form-parts";
import type { FormState } from "@/lib/form-state";

/** A labelled input that keeps its value and shows its error after a failed submit. */
export function Field({ state, name, label, type = "text", autoComplete, hint, required = true }: {
  state: FormState; name: string; label: string; type?: string; autoComplete?: string; hint?: string; required?: boolean;
}) {
  const error = state.fieldErrors?.[name];
  return (
    <div className="flex flex-col gap-1.5">
      <Label htmlFor={name}>{label}</Label>
      <Input id={name} name={name} type={type} autoComplete={autoComplete} required={required}
        defaultValue={type === "password" ? undefined : state.values?.[name]}
        aria-invalid={error ? true : undefined} aria-describedby={error ? `${name}-error` : undefined} />
      {hint && !error ? <p className="text-xs text-muted-foreground">{hint}</p> : null}
      <FieldError state={state} name={name} />
    </div>
  );
}
