"use client";

import { useActionState } from "react";
import { setAliasAction } from "@/app/(app)/[org]/models/actions";
import { FormError, SubmitButton } from "@/components/forms/form-parts";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Select } from "@/components/ui/select";
import { initialFormState } from "@/lib/form-state";

/** Points an alias (champion, challenger, …) at a version; an alias already set moves. */
export function AliasForm({ org, name, versions }: { org: string; name: string; versions: number[] }) {
  const [state, action] = useActionState(setAliasAction.bind(null, org, name), initialFormState);
  const v = state.values ?? {};
  return (
    <form action={action} className="flex flex-wrap items-end gap-3" data-testid="alias-form">
      <div className="flex flex-col gap-1.5">
        <Label htmlFor="alias">Alias</Label>
        <Input id="alias" name="alias" required placeholder="champion" defaultValue={v.alias ?? ""} className="w-44" />
      </div>
      <div className="flex flex-col gap-1.5">
        <Label htmlFor="alias-version">Version</Label>
        <Select id="alias-version" name="version" defaultValue={v.version ?? String(versions[0] ?? "")} className="w-28">{versions.map((n) => <option key={n} value={n}>v{n}</option>)}</Select>
      </div>
      <SubmitButton variant="outline" pendingText="Setting…">Set alias</SubmitButton>
      <div className="basis-full"><FormError state={state} />{state.ok && state.result?.message ? <p className="text-xs text-muted-foreground" role="status">Set: {state.result.message}</p> : null}</div>
    </form>
  );
}
