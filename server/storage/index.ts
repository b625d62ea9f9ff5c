import path from "node:path";
import { env } from "@/server/env";
import { createFsObjectStore, type ObjectStore } from "./object-store";
import { createS3ObjectStore } from "./s3-object-store";

const holder = globalThis as unknown as { __anvilStore?: ObjectStore };

export function getObjectStore(): ObjectStore {
  holder.__anvilStore ??= env.ANVIL_OBJECT_STORE === "s3"
    ? createS3ObjectStore({
      bucket: env.ANVIL_S3_BUCKET!, region: env.ANVIL_S3_REGION, endpoint: env.ANVIL_S3_ENDPOINT,
      accessKeyId: env.ANVIL_S3_ACCESS_KEY_ID!, secretAccessKey: env.ANVIL_S3_SECRET_ACCESS_KEY!,
    })
    : createFsObjectStore(path.resolve(env.ANVIL_DATA_DIR, "objects"));
  return holder.__anvilStore;
}

export type { ObjectStore } from "./object-store";
