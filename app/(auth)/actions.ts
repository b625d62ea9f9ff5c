"use server";

import { TRPCError } from "@trpc/server";
import { AuthError, CredentialsSignin } from "next-auth";
import { redirect } from "next/navigation";
import { z } from "zod";
import { signIn } from "@/server/auth/config";
import { getDb } from "@/server/db/client";
import { DomainError } from "@/server/errors";
import { currentUserId } from "@/server/auth/session";
import { serverApi } from "@/server/api/rsc";
import { setupFirstAdmin, signUp } from "@/server/tenancy/users";
import { emailSchema, nameSchema, orgNameSchema, passwordSchema } from "@/server/tenancy/validation";
import { fieldErrorsFrom, type FormState } from "@/lib/form-state";
import { safeNextPath } from "@/lib/safe-next";

const text = (form: FormData, key: string) => String(form.get(key) ?? "");

export async function loginAction(_prev: FormState, form: FormData): Promise<FormState> {
  const email = text(form, "email");
  try {
    await signIn("credentials", { email, password: text(form, "password"), redirect: false });
  } catch (err) {
    if (err instanceof CredentialsSignin && err.code.startsWith("throttled:")) {
      const minutes = Number(err.code.split(":")[1]) || 15;
      return { error: `Too many failed sign-ins. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`, values: { email } };
    }
    // signIn throws NEXT_REDIRECT on success paths in some versions; only AuthError means refused.
    if (err instanceof AuthError) return { error: "Wrong email or password", values: { email } };
    throw err;
  }
  redirect(safeNextPath(text(form, "next")));
}

const setupSchema = z.object({ name: nameSchema, email: emailSchema, password: passwordSchema, orgName: orgNameSchema });

export async function setupAction(_prev: FormState, form: FormData): Promise<FormState> {
  const values = { name: text(form, "name"), email: text(form, "email"), orgName: text(form, "orgName") };
  const parsed = setupSchema.safeParse({ ...values, password: text(form, "password") });
  if (!parsed.success) return { fieldErrors: fieldErrorsFrom(parsed.error.issues), values };
  try {
    await setupFirstAdmin(await getDb(), parsed.data);
  } catch (err) {
    if (err instanceof DomainError) return { error: err.message, values };
    throw err;
  }
  await signIn("credentials", { email: parsed.data.email, password: parsed.data.password, redirect: false });
  redirect("/");
}

const signupSchema = z.object({ name: nameSchema, email: emailSchema, password: passwordSchema });

/** Creates the account and signs in; arriving from an invitation link, also joins that organization (one step). */
export async function signupAction(_prev: FormState, form: FormData): Promise<FormState> {
  const values = { name: text(form, "name"), email: text(form, "email") };
  const invitationToken = text(form, "invite") || undefined;
  const parsed = signupSchema.safeParse({ ...values, password: text(form, "password") });
  if (!parsed.success) return { fieldErrors: fieldErrorsFrom(parsed.error.issues), values };
  let joined: { orgSlug: string } | null;
  try {
    joined = (await signUp(await getDb(), { ...parsed.data, invitationToken })).joined;
  } catch (err) {
    if (err instanceof DomainError) return { error: err.message, values };
    throw err;
  }
  await signIn("credentials", { email: parsed.data.email, password: parsed.data.password, redirect: false });
  redirect(joined ? `/${joined.orgSlug}/dashboard` : "/");
}

/** The invitation page's button: joins and lands in the organization. */
export async function acceptInvitationAction(token: string): Promise<void> {
  if (!(await currentUserId())) redirect(`/login?next=${encodeURIComponent(`/invite/${token}`)}`);
  let slug: string;
  try {
    slug = (await (await serverApi()).invitations.accept({ token })).orgSlug;
  } catch (err) {
    // A used or expired link: its page says so.
    if (err instanceof TRPCError && err.code === "NOT_FOUND") redirect(`/invite/${encodeURIComponent(token)}`);
    throw err;
  }
  redirect(`/${slug}/dashboard`);
}
