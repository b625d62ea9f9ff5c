"use server";

import { AuthError } from "next-auth";
import { redirect } from "next/navigation";
import { z } from "zod";
import { signIn } from "@/server/auth/config";
import { getDb } from "@/server/db/client";
import { DomainError } from "@/server/errors";
import { setupFirstAdmin, signUp } from "@/server/tenancy/users";
import { emailSchema, nameSchema, orgNameSchema, passwordSchema } from "@/server/tenancy/validation";
import { fieldErrorsFrom, type FormState } from "@/lib/form-state";

const text = (form: FormData, key: string) => String(form.get(key) ?? "");

export async function loginAction(_prev: FormState, form: FormData): Promise<FormState> {
  const email = text(form, "email");
  try {
    await signIn("credentials", { email, password: text(form, "password"), redirect: false });
  } catch (err) {
    // signIn throws NEXT_REDIRECT on success paths in some versions; only AuthError means refused.
    if (err instanceof AuthError) return { error: "Wrong email or password", values: { email } };
    throw err;
  }
  redirect(safeNext(text(form, "next")));
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

export async function signupAction(_prev: FormState, form: FormData): Promise<FormState> {
  const values = { name: text(form, "name"), email: text(form, "email") };
  const parsed = signupSchema.safeParse({ ...values, password: text(form, "password") });
  if (!parsed.success) return { fieldErrors: fieldErrorsFrom(parsed.error.issues), values };
  try {
    await signUp(await getDb(), parsed.data);
  } catch (err) {
    if (err instanceof DomainError) return { error: err.message, values };
    throw err;
  }
  await signIn("credentials", { email: parsed.data.email, password: parsed.data.password, redirect: false });
  redirect("/");
}

/** Only same-site paths, so `?next=` cannot send a user elsewhere. */
function safeNext(next: string): string {
  return next.startsWith("/") && !next.startsWith("//") ? next : "/";
}
