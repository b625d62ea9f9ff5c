import { migrateDatabase } from "../server/db/migrate";
import { resolveDatabaseUrl } from "../server/db/client";

const started = Date.now();
const url = await resolveDatabaseUrl();
await migrateDatabase(url);
console.log(`[anvil] migrations applied in ${Date.now() - started} ms`);
// The embedded server started for this command stops with it (see server/db/embedded.ts).
process.exit(0);
