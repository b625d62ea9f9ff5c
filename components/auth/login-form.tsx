"use client";

import { useActionState } from "react";
import { loginAction } from "@/app/(auth)/actions";
import { FormError, SubmitButton } from "@/components/forms/form-parts";
import { initialFormState } from "@/lib/form-state";
import { Field } from "./field";

export function LoginForm({ next }: { next?: string }) {
  const [state, action] = useActionState(loginAction, initialFormState);
  return (
    <form action={action} className="flex flex-col gap-4">
      <FormError state={state} />
      <input type="hidden" name="next" value={next ?? "/"} />
      <Field state={state} name="email" label="Email" type="email" autoComplete="email" />
      <Field state={state} name="password" label="Password" type="password" autoComplete="current-password" />
      <SubmitButton pendingText="Signing in…">Sign in</SubmitButton>
    </form>
  );
}
