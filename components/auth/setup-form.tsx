"use client";

import { useActionState } from "react";
import { setupAction, signupAction } from "@/app/(auth)/actions";
import { FormError, SubmitButton } from "@/components/forms/form-parts";
import { initialFormState } from "@/lib/form-state";
import { Field } from "./field";

export function SetupForm() {
  const [state, action] = useActionState(setupAction, initialFormState);
  return (
    <form action={action} className="flex flex-col gap-4">
      <FormError state={state} />
      <Field state={state} name="name" label="Your name" autoComplete="name" />
      <Field state={state} name="email" label="Email" type="email" autoComplete="email" />
      <Field state={state} name="password" label="Password" type="password" autoComplete="new-password" hint="At least 10 characters." />
      <Field state={state} name="orgName" label="Organization name" autoComplete="organization" hint="Your team or company; you can add members later." />
      <SubmitButton pendingText="Creating…">Create admin account</SubmitButton>
    </form>
  );
}

export function SignupForm({ invite }: { invite?: string }) {
  const [state, action] = useActionState(signupAction, initialFormState);
  return (
    <form action={action} className="flex flex-col gap-4">
      <FormError state={state} />
      {invite ? <input type="hidden" name="invite" value={invite} /> : null}
      <Field state={state} name="name" label="Your name" autoComplete="name" />
      <Field state={state} name="email" label="Email" type="email" autoComplete="email" />
      <Field state={state} name="password" label="Password" type="password" autoComplete="new-password" hint="At least 10 characters." />
      <SubmitButton pendingText="Creating…">Create account</SubmitButton>
    </form>
  );
}
