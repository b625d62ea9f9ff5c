import { migrateDatabase } from "../server/db/migrate";
import { resolveDatabaseUrl } from "../server/db/client";
import { log } from "../server/log";

const started = Date.now();
const url = await resolveDatabaseUrl();
await migrateDatabase(url);
log.info("migrations applied", { ms: Date.now() - started });
// The embedded server started for this command stops with it (see server/db/embedded.ts).
process.exit(0);
