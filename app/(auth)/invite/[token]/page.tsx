import { connection } from "next/server";
import Link from "next/link";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { currentUserId } from "@/server/auth/session";
import { getDb } from "@/server/db/client";
import { findInvitation } from "@/server/tenancy/invitations";
import { getUser } from "@/server/tenancy/users";
import { acceptInvitationAction } from "../../actions";

export const metadata = { title: "Invitation" };

/** An invitation link: who it is for, and one button to join (after signing in or up). */
export default async function InvitePage({ params }: { params: Promise<{ token: string }> }) {
  await connection();
  const { token } = await params;
  const db = await getDb();
  const invitation = await findInvitation(db, token);
  if (!invitation) {
    return (
      <Card>
        <CardHeader><CardTitle>This invitation link does not work</CardTitle><CardDescription>It was already used, it expired (links last 7 days), or it was copied incompletely. Ask the admin who sent it for a new link.</CardDescription></CardHeader>
        <CardContent><Button asChild variant="outline"><Link href="/">Go to Anvil</Link></Button></CardContent>
      </Card>
    );
  }
  const userId = await currentUserId();
  const user = userId ? await getUser(db, userId) : null;
  const here = `/invite/${token}`;
  return (
    <Card>
      <CardHeader>
        <CardTitle>Join {invitation.orgName}</CardTitle>
        <CardDescription>You are invited as <strong>{invitation.role}</strong> (the invitation was addressed to {invitation.email}).</CardDescription>
      </CardHeader>
      <CardContent className="flex flex-col gap-3">
        {user ? (
          <form action={acceptInvitationAction.bind(null, token)} className="flex flex-col gap-2">
            <p className="text-sm text-muted-foreground">Signed in as {user.email}.</p>
            <Button type="submit">Join {invitation.orgName}</Button>
          </form>
        ) : (
          <>
            <Button asChild><Link href={`/signup?invite=${token}`}>Create an account and join</Link></Button>
            <Button asChild variant="outline"><Link href={`/login?next=${encodeURIComponent(here)}`}>I have an account: sign in</Link></Button>
          </>
        )}
      </CardContent>
    </Card>
  );
}
