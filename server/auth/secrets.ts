import { createHash, randomBytes } from "node:crypto";
import bcrypt from "bcryptjs";

export const API_KEY_PREFIX = "anv_";
export const RUN_TOKEN_PREFIX = "anvr_";

/** Keys and tokens have 256 bits of entropy, so a fast hash is enough to store them (no bcrypt). */
export function hashSecret(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}

export function newSecret(prefix: string): string {
  return prefix + randomBytes(32).toString("base64url");
}

export async function hashPassword(password: string): Promise<string> {
  return bcrypt.hash(password, 10);
}

export async function verifyPassword(password: string, hash: string): Promise<boolean> {
  return bcrypt.compare(password, hash);
}
