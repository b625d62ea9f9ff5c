import { connection } from "next/server";
import { redirect } from "next/navigation";
import { currentUserId } from "@/server/auth/session";
import { getDb } from "@/server/db/client";
import { listUserOrganizations } from "@/server/tenancy/organizations";
import { isSetupNeeded } from "@/server/tenancy/users";

/** Sends everyone where they belong: setup, sign-in, their first organization, or welcome. */
export default async function Home() {
  await connection(); // reads the database and session: never prerender
  const db = await getDb();
  if (await isSetupNeeded(db)) redirect("/setup");
  const userId = await currentUserId();
  if (!userId) redirect("/login");
  const orgs = await listUserOrganizations(db, userId);
  redirect(orgs.length > 0 ? `/${orgs[0].slug}/dashboard` : "/welcome");
}
