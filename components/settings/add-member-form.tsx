"use client";

import { useActionState } from "react";
import { addMemberAction } from "@/app/(app)/[org]/settings/actions";
import { FormError, SubmitButton } from "@/components/forms/form-parts";
import { Alert, AlertDescription } from "@/components/ui/alert";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Select } from "@/components/ui/select";
import { initialFormState } from "@/lib/form-state";
import { InvitationLink } from "./invitation-link";

export function AddMemberForm({ org }: { org: string }) {
  const [state, action] = useActionState(addMemberAction.bind(null, org), initialFormState);
  return (
    <form action={action} className="flex flex-col gap-3">
      <FormError state={state} />
      {state.ok && state.result?.message ? (
        <Alert variant="success"><AlertDescription className="flex flex-col gap-2">{state.result.message}{state.result.link ? <InvitationLink path={state.result.link} /> : null}</AlertDescription></Alert>
      ) : null}
      <div className="flex flex-col gap-3 sm:flex-row sm:items-end">
        <div className="flex flex-1 flex-col gap-1.5">
          <Label htmlFor="member-email">Email</Label>
          <Input id="member-email" name="email" type="email" required placeholder="colleague@example.com" defaultValue={state.ok ? "" : state.values?.email} />
        </div>
        <div className="flex flex-col gap-1.5">
          <Label htmlFor="member-role">Role</Label>
          <Select id="member-role" name="role" defaultValue={state.values?.role ?? "user"}>
            <option value="viewer">viewer</option><option value="user">user</option><option value="manager">manager</option><option value="admin">admin</option>
          </Select>
        </div>
        <SubmitButton pendingText="Adding…">Add member</SubmitButton>
      </div>
    </form>
  );
}
