"use client";

import { useActionState } from "react";
import { createApiKeyAction } from "@/app/(app)/[org]/settings/actions";
import { FormError, SubmitButton } from "@/components/forms/form-parts";
import { Alert, AlertDescription, AlertTitle } from "@/components/ui/alert";
import { Checkbox } from "@/components/ui/checkbox";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Select } from "@/components/ui/select";
import { initialFormState } from "@/lib/form-state";

/** `roles` lowest first; the lowest is the default (least privilege). */
export function CreateKeyForm({ org, roles, canCreateService }: { org: string; roles: string[]; canCreateService: boolean }) {
  const [state, action] = useActionState(createApiKeyAction.bind(null, org), initialFormState);
  return (
    <form action={action} className="flex flex-col gap-3">
      <FormError state={state} />
      {state.ok && state.result?.key ? (
        <Alert variant="success">
          <AlertTitle>Key “{state.result.name}” created — copy it now, it will not be shown again</AlertTitle>
          <AlertDescription><code data-testid="new-api-key" className="block break-all rounded bg-background p-2 font-mono text-xs select-all">{state.result.key}</code></AlertDescription>
        </Alert>
      ) : null}
      <div className="flex flex-col gap-3 sm:flex-row sm:items-end">
        <div className="flex flex-1 flex-col gap-1.5">
          <Label htmlFor="key-name">Name</Label>
          <Input id="key-name" name="name" required placeholder="CI pipeline" defaultValue={state.ok ? "" : state.values?.name} />
        </div>
        <div className="flex flex-col gap-1.5">
          <Label htmlFor="key-role">Role</Label>
          <Select id="key-role" name="role" defaultValue={state.values?.role ?? roles[0]}>
            {roles.map((r) => <option key={r} value={r}>{r}</option>)}
          </Select>
        </div>
        <SubmitButton pendingText="Creating…">Create key</SubmitButton>
      </div>
      {canCreateService ? (
        <label className="flex items-center gap-2 text-sm">
          <Checkbox name="service" defaultChecked={state.values?.service === "on"} />
          Service key: belongs to the organization and keeps working when you leave (for CI and deployments)
        </label>
      ) : null}
    </form>
  );
}
