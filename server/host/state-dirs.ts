import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

/**
 * Where Anvil keeps its state on this machine.
 * - `dataDir` (ANVIL_DATA_DIR): secrets, the object store, supervisor state. Private to Anvil's
 *   user: as root it is made traversable-but-unlistable (0711) and what is inside is 0600/0700.
 * - `sharedDir`: what other system users must reach — the embedded PostgreSQL cluster (run by
 *   `postgres` when Anvil is root) and job workspaces (run under their own uids). It is the data
 *   directory itself when every ancestor lets others through, else `/var/lib/anvil/<id>`
 *   (a checkout under a non-traversable home such as /root).
 */
export interface StateDirs { dataDir: string; sharedDir: string; sharedIsFallback: boolean }

export const FALLBACK_ROOT = "/var/lib/anvil";

export function isRoot(): boolean {
  return process.getuid?.() === 0;
}

/** The first directory on the way to `dir` that other users cannot pass through, or null. */
export function firstBlockedAncestor(dir: string): string | null {
  const chain: string[] = [];
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    chain.unshift(d);
    if (d === path.dirname(d)) break;
  }
  for (const d of chain) {
    if (!fs.existsSync(d)) return null; // created later by us, with a traversable mode
    if ((fs.statSync(d).mode & 0o001) === 0) return d;
  }
  return null;
}

export function resolveStateDirs(dataDirSetting: string): StateDirs {
  const dataDir = path.resolve(dataDirSetting);
  fs.mkdirSync(dataDir, { recursive: true });
  if (!isRoot()) return { dataDir, sharedDir: dataDir, sharedIsFallback: false };
  fs.chmodSync(dataDir, 0o711);
  for (const sub of ["objects", "runs"]) {
    const full = path.join(dataDir, sub);
    if (fs.existsSync(full)) fs.chmodSync(full, 0o700);
  }
  if (firstBlockedAncestor(dataDir) === null) return { dataDir, sharedDir: dataDir, sharedIsFallback: false };
  const id = createHash("sha256").update(fs.realpathSync(dataDir)).digest("hex").slice(0, 12);
  const sharedDir = path.join(FALLBACK_ROOT, id);
  fs.mkdirSync(sharedDir, { recursive: true, mode: 0o711 });
  fs.chmodSync(FALLBACK_ROOT, 0o711);
  fs.chmodSync(sharedDir, 0o711);
  return { dataDir, sharedDir, sharedIsFallback: true };
}
