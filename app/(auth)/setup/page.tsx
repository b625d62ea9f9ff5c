import { connection } from "next/server";
import { redirect } from "next/navigation";
import { SetupForm } from "@/components/auth/setup-form";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { getDb } from "@/server/db/client";
import { isSetupNeeded } from "@/server/tenancy/users";

export const metadata = { title: "Set up Anvil" };

/** First start only: the first account becomes admin of a new organization. No default password. */
export default async function SetupPage() {
  await connection(); // reads the database and session: never prerender
  if (!(await isSetupNeeded(await getDb()))) redirect("/login");
  return (
    <Card>
      <CardHeader>
        <CardTitle>Set up Anvil</CardTitle>
        <CardDescription>Create the first admin account and your organization. This page disappears once it is done.</CardDescription>
      </CardHeader>
      <CardContent><SetupForm /></CardContent>
    </Card>
  );
}
