import { connection } from "next/server";
import Link from "next/link";
import { redirect } from "next/navigation";
import { SignupForm } from "@/components/auth/setup-form";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { getDb } from "@/server/db/client";
import { env } from "@/server/env";
import { isSetupNeeded } from "@/server/tenancy/users";

export const metadata = { title: "Create account" };

export default async function SignupPage() {
  await connection(); // reads the database and session: never prerender
  if (await isSetupNeeded(await getDb())) redirect("/setup");
  if (env.ANVIL_DISABLE_SIGNUP === "true") redirect("/login");
  return (
    <Card>
      <CardHeader>
        <CardTitle>Create your account</CardTitle>
        <CardDescription>If an admin added your email to an organization, you will land in it.</CardDescription>
      </CardHeader>
      <CardContent className="flex flex-col gap-4">
        <SignupForm />
        <p className="text-center text-sm text-muted-foreground">
          Have an account? <Link className="text-primary underline-offset-4 hover:underline" href="/login">Sign in</Link>
        </p>
      </CardContent>
    </Card>
  );
}
