import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from "node:crypto";
import { env } from "@/server/env";
import { loadOrCreateAuthSecret } from "./auth-secret";

/**
 * Seals credentials Anvil must use later (cluster tokens, certificates) with AES-256-GCM under a
 * key derived from the auth secret: a database dump alone reveals none of them. Rotating
 * AUTH_SECRET makes sealed values unreadable (the clusters then ask for their credentials again).
 */
const VERSION = "v1";
let cachedKey: Buffer | undefined;

function key(): Buffer {
  cachedKey ??= Buffer.from(hkdfSync("sha256", loadOrCreateAuthSecret(env.AUTH_SECRET, env.ANVIL_DATA_DIR), "anvil", "sealed-credentials", 32));
  return cachedKey;
}

export function seal(plain: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key(), iv);
  const body = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  return [VERSION, iv.toString("base64url"), cipher.getAuthTag().toString("base64url"), body.toString("base64url")].join(".");
}

export class UnsealError extends Error {}

export function unseal(sealed: string): string {
  const [version, iv, tag, body] = sealed.split(".");
  if (version !== VERSION || !iv || !tag || body === undefined) throw new UnsealError("not a sealed value");
  try {
    const decipher = createDecipheriv("aes-256-gcm", key(), Buffer.from(iv, "base64url"));
    decipher.setAuthTag(Buffer.from(tag, "base64url"));
    return Buffer.concat([decipher.update(Buffer.from(body, "base64url")), decipher.final()]).toString("utf8");
  } catch {
    throw new UnsealError("sealed with another key (was AUTH_SECRET changed?)");
  }
}

let macKey: Buffer | undefined;

/** A short keyed signature (HMAC-SHA256, hex) of `data`, under a key derived from the auth secret for this use only. */
export function signature(data: string, hexChars = 16): string {
  macKey ??= Buffer.from(hkdfSync("sha256", loadOrCreateAuthSecret(env.AUTH_SECRET, env.ANVIL_DATA_DIR), "anvil", "request-ids", 32));
  return createHmac("sha256", macKey).update(data).digest("hex").slice(0, hexChars);
}
