import { auth } from "./config";

/** The signed-in user's id, or null. The only place the web session is read. */
export async function currentUserId(): Promise<string | null> {
  const session = await auth();
  return session?.user?.id ?? null;
}
