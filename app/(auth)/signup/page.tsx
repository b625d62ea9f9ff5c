import { connection } from "next/server";
import Link from "next/link";
import { redirect } from "next/navigation";
import { SignupForm } from "@/components/auth/setup-form";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { getDb } from "@/server/db/client";
import { env } from "@/server/env";
import { findInvitation } from "@/server/tenancy/invitations";
import { isSetupNeeded } from "@/server/tenancy/users";

export const metadata = { title: "Create account" };

export default async function SignupPage({ searchParams }: { searchParams: Promise<{ invite?: string }> }) {
  await connection(); // reads the database and session: never prerender
  const db = await getDb();
  if (await isSetupNeeded(db)) redirect("/setup");
  const { invite } = await searchParams;
  const invitation = invite ? await findInvitation(db, invite) : null;
  if (env.ANVIL_DISABLE_SIGNUP === "true" && !invitation) redirect("/login");
  const next = invitation ? `/invite/${invite}` : undefined;
  return (
    <Card>
      <CardHeader>
        <CardTitle>Create your account</CardTitle>
        <CardDescription>{invitation ? `Then you join ${invitation.orgName} as ${invitation.role}.` : "Then create an organization, or open an invitation link an admin sent you."}</CardDescription>
      </CardHeader>
      <CardContent className="flex flex-col gap-4">
        <SignupForm invite={invitation ? invite : undefined} />
        <p className="text-center text-sm text-muted-foreground">
          Have an account? <Link className="text-primary underline-offset-4 hover:underline" href={next ? `/login?next=${encodeURIComponent(next)}` : "/login"}>Sign in</Link>
        </p>
      </CardContent>
    </Card>
  );
}
