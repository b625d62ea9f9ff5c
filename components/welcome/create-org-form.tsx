"use client";

import { useActionState } from "react";
import { createOrgAction } from "@/app/welcome/actions";
import { FormError, SubmitButton } from "@/components/forms/form-parts";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { initialFormState } from "@/lib/form-state";

export function CreateOrgForm() {
  const [state, action] = useActionState(createOrgAction, initialFormState);
  return (
    <form action={action} className="flex flex-col gap-3">
      <FormError state={state} />
      <Label htmlFor="org-name">Organization name</Label>
      <Input id="org-name" name="name" required minLength={2} defaultValue={state.values?.name} />
      <SubmitButton pendingText="Creating…">Create organization</SubmitButton>
    </form>
  );
}
