"use client";

import { useActionState } from "react";
import { reissueInvitationAction } from "@/app/(app)/[org]/settings/actions";
import { FormError, SubmitButton } from "@/components/forms/form-parts";
import { initialFormState } from "@/lib/form-state";
import { InvitationLink } from "./invitation-link";

/** "New link" for a pending invitation: the old link dies, the new one is shown once. */
export function ReissueInvitation({ org, invitationId }: { org: string; invitationId: string }) {
  const [state, action] = useActionState(reissueInvitationAction.bind(null, org, invitationId), initialFormState);
  return (
    <form action={action} className="flex flex-col items-end gap-2">
      <FormError state={state} />
      {state.ok && state.result?.link ? (
        <div className="flex w-full max-w-md flex-col gap-1 text-left text-xs text-muted-foreground">{state.result.message}<InvitationLink path={state.result.link} /></div>
      ) : null}
      <SubmitButton size="sm" variant="outline" pendingText="Making a link…">New link</SubmitButton>
    </form>
  );
}
