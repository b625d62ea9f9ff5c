"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { attempt, backWithError, formText as text } from "@/server/api/form-actions";
import { serverApi } from "@/server/api/rsc";
import type { FormState } from "@/lib/form-state";
import { invitationPath } from "@/server/tenancy/invitations";

type Role = "admin" | "manager" | "user" | "viewer";


export async function addMemberAction(org: string, _prev: FormState, form: FormData): Promise<FormState> {
  const values = { email: text(form, "email"), role: text(form, "role") };
  return attempt(async (): Promise<FormState> => {
    const result = await (await serverApi()).members.add({ org, email: values.email, role: values.role as Role });
    revalidatePath(`/${org}/settings/members`);
    const who = result.hasAccount ? `${values.email} has an account: they sign in and accept.` : `${values.email} has no account yet.`;
    const terms = `it works once, for 7 days, and lets whoever opens it join as ${values.role}.`;
    const mail = result.emailed === "sent" ? `We e-mailed them the link below; ${terms}`
      : result.emailed === "not-configured" ? `Send them this link: ${terms}`
      : `The e-mail could not be sent (${result.emailed.failed}). Send them this link: ${terms}`;
    return {
      ok: true,
      result: {
        message: `${who} ${mail}`,
        link: invitationPath(result.token),
      },
    };
  }, values);
}

export async function reissueInvitationAction(org: string, invitationId: string, _prev: FormState): Promise<FormState> {
  return attempt(async () => {
    const { token, email } = await (await serverApi()).members.reissueInvitation({ org, invitationId });
    return { ok: true, result: { message: `New link for ${email} (the previous one no longer works):`, link: invitationPath(token) } };
  });
}

export async function setHostAccessAction(org: string, userId: string, allow: boolean): Promise<void> {
  await (await serverApi()).members.setGrants({ org, userId, grants: allow ? ["host:execute"] : [] }).catch((e) => backWithError(`/${org}/settings/members`, e));
  redirect(`/${org}/settings/members`);
}

export async function changeRoleAction(org: string, userId: string, form: FormData): Promise<void> {
  await (await serverApi()).members.changeRole({ org, userId, role: text(form, "role") as Role }).catch((e) => backWithError(`/${org}/settings/members`, e));
  redirect(`/${org}/settings/members`);
}

export async function removeMemberAction(org: string, userId: string): Promise<void> {
  await (await serverApi()).members.remove({ org, userId }).catch((e) => backWithError(`/${org}/settings/members`, e));
  redirect(`/${org}/settings/members`);
}

export async function cancelInvitationAction(org: string, invitationId: string): Promise<void> {
  await (await serverApi()).members.cancelInvitation({ org, invitationId }).catch((e) => backWithError(`/${org}/settings/members`, e));
  redirect(`/${org}/settings/members`);
}

export async function createApiKeyAction(org: string, _prev: FormState, form: FormData): Promise<FormState> {
  const values = { name: text(form, "name"), role: text(form, "role"), service: text(form, "service") };
  return attempt(async () => {
    const created = await (await serverApi()).apiKeys.create({ org, name: values.name, role: values.role as Role, service: values.service === "on" });
    revalidatePath(`/${org}/settings/api-keys`);
    return { ok: true, result: { key: created.key, name: created.name } };
  }, values);
}

export async function revokeApiKeyAction(org: string, keyId: string): Promise<void> {
  await (await serverApi()).apiKeys.revoke({ org, keyId }).catch((e) => backWithError(`/${org}/settings/api-keys`, e));
  redirect(`/${org}/settings/api-keys`);
}

