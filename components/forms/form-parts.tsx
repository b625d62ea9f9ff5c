"use client";

import { useFormStatus } from "react-dom";
import { Alert, AlertDescription } from "@/components/ui/alert";
import { Button, type ButtonProps } from "@/components/ui/button";
import { Label } from "@/components/ui/label";
import type { FormState } from "@/lib/form-state";

/** `busy` for forms submitted from onSubmit (no form status then); otherwise the form's own. */
export function SubmitButton({ children, pendingText, busy, ...props }: ButtonProps & { pendingText?: string; busy?: boolean }) {
  const status = useFormStatus();
  const pending = busy ?? status.pending;
  return (
    <Button type="submit" disabled={pending} aria-disabled={pending} {...props}>
      {pending ? (pendingText ?? "Working…") : children}
    </Button>
  );
}

export function FormError({ state }: { state: FormState }) {
  if (!state.error) return null;
  return (
    <Alert variant="destructive" role="alert">
      <AlertDescription>{state.error}</AlertDescription>
    </Alert>
  );
}

export function FieldError({ state, name }: { state: FormState; name: string }) {
  const message = state.fieldErrors?.[name];
  if (!message) return null;
  return <p id={`${name}-error`} className="text-xs text-destructive" role="alert">{message}</p>;
}

/**
 * A labelled field for forms built from server actions: the label (pointing at `name`), the
 * input, an optional hint, and the field's error from the last submit.
 */
export function formField(state: FormState) {
  return function field(name: string, label: string, input: React.ReactNode, hint?: string) {
    return (
      <div className="flex flex-col gap-1.5">
        <Label htmlFor={name}>{label}</Label>
        {input}
        {hint ? <p className="text-xs text-muted-foreground">{hint}</p> : null}
        <FieldError state={state} name={name} />
      </div>
    );
  };
}
