import path from "node:path";
import { env } from "@/server/env";
import { createFsObjectStore, type ObjectStore } from "./object-store";

const holder = globalThis as unknown as { __anvilStore?: ObjectStore };

export function getObjectStore(): ObjectStore {
  holder.__anvilStore ??= createFsObjectStore(path.resolve(env.ANVIL_DATA_DIR, "objects"));
  return holder.__anvilStore;
}

export type { ObjectStore } from "./object-store";
