"use server";

import { TRPCError } from "@trpc/server";
import { redirect } from "next/navigation";
import { serverApi } from "@/server/api/rsc";
import type { FormState } from "@/lib/form-state";

export async function createOrgAction(_prev: FormState, form: FormData): Promise<FormState> {
  const name = String(form.get("name") ?? "").trim();
  let slug: string;
  try {
    slug = (await (await serverApi()).organizations.create({ name })).slug;
  } catch (err) {
    if (err instanceof TRPCError && err.code !== "INTERNAL_SERVER_ERROR") {
      const issues = (err.cause as { issues?: Array<{ message: string }> } | undefined)?.issues;
      return { error: issues?.[0]?.message ?? err.message, values: { name } };
    }
    throw err;
  }
  redirect(`/${slug}/dashboard`);
}
