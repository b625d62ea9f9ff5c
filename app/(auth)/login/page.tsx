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

export const metadata = { title: "Sign in" };

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ next?: string; error?: string }> }) {
  await connection(); // reads the database and session: never prerender
  if (await isSetupNeeded(await getDb())) redirect("/setup");
  const { next, error } = await searchParams;
  const oauth = enabledProviders(env).filter((p) => p.id !== "credentials");
  return (
    <Card>
      <CardHeader>
        <CardTitle>Sign in</CardTitle>
        <CardDescription>Welcome back to Anvil.</CardDescription>
      </CardHeader>
      <CardContent className="flex flex-col gap-4">
        {error ? <Alert variant="destructive"><AlertDescription>{error === "AccessDenied" ? "That account may not sign in here. Ask an admin to invite you." : "Sign-in failed. Try again."}</AlertDescription></Alert> : null}
        <LoginForm next={next} />
        {oauth.length > 0 ? <OAuthButtons providers={oauth} next={next ?? "/"} /> : null}
        {env.ANVIL_DISABLE_SIGNUP === "true" ? null : (
          <p className="text-center text-sm text-muted-foreground">
            No account? <Link className="text-primary underline-offset-4 hover:underline" href="/signup">Create one</Link>
          </p>
        )}
      </CardContent>
    </Card>
  );
}
