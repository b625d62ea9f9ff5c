"use client";

import { useFormStatus } from "react-dom";
import { Alert, AlertDescription } from "@/components/ui/alert";
import { Button, type ButtonProps } from "@/components/ui/button";
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
