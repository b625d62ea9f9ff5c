import { and, eq, sql } from "drizzle-orm";
import type { Db } from "@/server/db/client";
import { datasets, datasetVersions } from "@/server/db/schema";
import { ValidationError } from "@/server/errors";
import { log } from "@/server/log";
import type { ObjectStore } from "@/server/storage/object-store";
import { profileStored } from "./profile-observer";
import { rulesSchema } from "./validation";

/**
 * The full profile of versions too large to profile within their upload: one at a time per
 * process, in the background, claimed so two processes never profile the same version; a
 * claim older than 15 minutes (its process died) is taken over. The runner kicks it on every
 * pass, so a restart finishes what was pending.
 */
const holder = globalThis as unknown as { __anvilProfiling?: Promise<void> };

export function kickProfiling(db: Db, store: ObjectStore): void {
  holder.__anvilProfiling ??= profilePending(db, store)
    .then(() => {}, (err) => log.warn("datasets: background profiling failed", { err }))
    .finally(() => { holder.__anvilProfiling = undefined; });
}

/** Profiles every pending version, one after another; resolves when none is left. */
export async function profilePending(db: Db, store: ObjectStore): Promise<number> {
  let done = 0;
  for (;;) {
    // Milliseconds: the claim's time comes back to JavaScript exactly, to be compared at the end.
    const [claimed] = await db.update(datasetVersions).set({ profileState: "profiling", profileStartedAt: sql`date_trunc('milliseconds', now())` })
      .where(sql`${datasetVersions.id} = (select id from dataset_versions where profile_state = 'pending'
        or (profile_state = 'profiling' and profile_started_at < now() - interval '15 minutes')
        order by created_at limit 1 for update skip locked)`)
      .returning();
    if (!claimed) return done;
    const [dataset] = await db.select({ rules: datasets.rules }).from(datasets).where(eq(datasets.id, claimed.datasetId));
    const rules = rulesSchema.catch([]).parse(dataset?.rules ?? []);
    // Written only if this pass still holds the claim: new rules (back to pending) or a takeover
    // after a long pass win, and that pass is redone with what is current.
    const stillOurs = and(eq(datasetVersions.id, claimed.id), eq(datasetVersions.profileState, "profiling"), eq(datasetVersions.profileStartedAt, claimed.profileStartedAt!));
    try {
      const { profile, report } = await profileStored(await store.get(claimed.storageKey), claimed.format, rules);
      const { preview, ...rest } = profile;
      await db.update(datasetVersions).set({
        profileState: "ready", profileError: null, rows: profile.rows, invalidRows: profile.invalidRows,
        profile: rest as unknown as Record<string, unknown>, preview, validation: rules.length > 0 ? report : null,
      }).where(stillOurs);
    } catch (err) {
      // Not a table: failed, saying where. Anything else (the store timed out): tried again later.
      const invalid = err instanceof ValidationError;
      if (!invalid) log.warn("datasets: profiling a version failed; it is tried again", { versionId: claimed.id, err });
      await db.update(datasetVersions).set(invalid ? { profileState: "failed", profileError: err.message } : { profileState: "pending" }).where(stillOurs);
      if (!invalid) return done;
    }
    done++;
  }
}
