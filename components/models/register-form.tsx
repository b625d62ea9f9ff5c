"use client";

import { useActionState } from "react";
import { registerArtifactAction } from "@/app/(app)/[org]/models/actions";
import { FormError, SubmitButton } from "@/components/forms/form-parts";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Select } from "@/components/ui/select";
import { initialFormState } from "@/lib/form-state";

/**
 * Registers one of the run's artifacts as a model version: a file, or a folder (MLflow models
 * are folders). The model is created with its first version when the name is new.
 */
export function RegisterArtifactForm({ org, runId, choices, defaultName }: { org: string; runId: string; choices: string[]; defaultName: string }) {
  const [state, action] = useActionState(registerArtifactAction.bind(null, org, runId), initialFormState);
  const v = state.values ?? {};
  const preferred = choices.find((c) => c === "model") ?? choices.find((c) => /(^|\/)model/.test(c)) ?? choices[0];
  return (
    <form action={action} className="flex flex-col gap-3 border-t pt-4" data-testid="register-model">
      <p className="text-sm font-medium">Register as a model version</p>
      <FormError state={state} />
      <div className="grid gap-3 sm:grid-cols-2">
        <div className="flex flex-col gap-1.5">
          <Label htmlFor="register-artifact">Artifact</Label>
          <Select id="register-artifact" name="artifactPath" defaultValue={v.artifactPath ?? preferred}>{choices.map((c) => <option key={c} value={c}>{c}</option>)}</Select>
        </div>
        <div className="flex flex-col gap-1.5">
          <Label htmlFor="register-name">Model name</Label>
          <Input id="register-name" name="name" required defaultValue={v.name ?? defaultName} />
        </div>
      </div>
      <div><SubmitButton variant="outline" pendingText="Registering…">Register</SubmitButton></div>
    </form>
  );
}
