/**
 * Runs once when the Next server starts: bring up the database (embedded unless DATABASE_URL
 * is set), apply migrations, and start the in-process runner (ARCHITECTURE.md §1).
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { bootServer } = await import("./server/boot");
  await bootServer();
}
