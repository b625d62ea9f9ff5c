import { connection } from "next/server";
import Link from "next/link";
import { redirect } from "next/navigation";
import { LoginForm } from "@/components/auth/login-form";
import { OAuthButtons } from "./oauth-buttons";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Alert, AlertDescription } from "@/components/ui/alert";
import { enabledProviders } from "@/server/auth/providers";
import { getDb } from "@/server/db/client";
import { env } from "@/server/env";
import { isSetupNeeded } from "@/server/tenancy/users";
import { safeNextPath } from "@/lib/safe-next";

export const metadata = { title: "Sign in" };

/** Auth.js error codes, and our own refusals (passed as text), in words a user can act on. */
function signInError(error: string): string {
  if (error === "AccessDenied") return "That account may not sign in here. Ask an admin for an invitation link.";
  if (error === "OAuthAccountNotLinked") return "An account with that e-mail exists and the provider does not confirm the address is verified: sign in with your password.";
  return "Sign-in failed. Try again.";
}

/** Arriving from an invitation link, sign-up keeps the invitation. */
function signupHref(next: string): string {
  const invite = /^\/invite\/([A-Za-z0-9_-]+)$/.exec(next)?.[1];
  return invite ? `/signup?invite=${invite}` : "/signup";
}

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ next?: string; error?: string }> }) {
  await connection(); // reads the database and session: never prerender
  if (await isSetupNeeded(await getDb())) redirect("/setup");
  const { next: rawNext, error } = await searchParams;
  const next = safeNextPath(rawNext);
  const oauth = enabledProviders(env).filter((p) => p.id !== "credentials");
  return (
    <Card>
      <CardHeader>
        <CardTitle>Sign in</CardTitle>
        <CardDescription>Welcome back to Anvil.</CardDescription>
      </CardHeader>
      <CardContent className="flex flex-col gap-4">
        {error ? <Alert variant="destructive"><AlertDescription>{signInError(error)}</AlertDescription></Alert> : null}
        <LoginForm next={next} />
        {oauth.length > 0 ? <OAuthButtons providers={oauth} next={next} /> : null}
        {env.ANVIL_DISABLE_SIGNUP === "true" ? null : (
          <p className="text-center text-sm text-muted-foreground">
            No account? <Link className="text-primary underline-offset-4 hover:underline" href={signupHref(next)}>Create one</Link>
          </p>
        )}
      </CardContent>
    </Card>
  );
}
