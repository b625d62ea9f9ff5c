import { Anvil } from "lucide-react";
import Link from "next/link";
import { redirect } from "next/navigation";
import { CreateOrgForm } from "@/components/welcome/create-org-form";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { serverApi } from "@/server/api/rsc";
import { currentUserId } from "@/server/auth/session";

export const metadata = { title: "Welcome" };

/** For a signed-in user: create an organization, or see the ones they can already open. */
export default async function WelcomePage() {
  if (!(await currentUserId())) redirect("/login");
  const orgs = await (await serverApi()).organizations.mine();
  return (
    <main className="flex min-h-dvh flex-col items-center justify-center gap-6 bg-muted/40 p-4">
      <div className="flex items-center gap-2 text-lg font-semibold"><Anvil className="size-6 text-primary" aria-hidden />Anvil</div>
      <Card className="w-full max-w-sm">
        <CardHeader>
          <CardTitle>{orgs.length === 0 ? "You are not in an organization yet" : "New organization"}</CardTitle>
          <CardDescription>{orgs.length === 0 ? "Ask an admin to add your email, or create your own organization." : "You become its admin."}</CardDescription>
        </CardHeader>
        <CardContent className="flex flex-col gap-4">
          <CreateOrgForm />
          {orgs.length > 0 ? <ul className="text-sm">{orgs.map((o) => <li key={o.slug}><Link className="text-primary hover:underline" href={`/${o.slug}/dashboard`}>{o.name}</Link></li>)}</ul> : null}
        </CardContent>
      </Card>
    </main>
  );
}
